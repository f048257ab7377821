import { Link } from 'react-router';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/form-error';
import { Loading } from '@/components/ui/loading';
import { StatusMessage } from '@/components/ui/status-message';
import { ApiError, formErrors } from '@/lib/api-client';
import { useUser } from '@/lib/auth';
import { useSendVerificationEmail } from '../api/send-verification-email';
import { useVerifyEmail } from '../api/verify-email';

/** A logged-in user can ask for a fresh link right here. */
function NewLink() {
  const user = useUser();
  const send = useSendVerificationEmail();
  if (!user) {
    return (
      <p>
        <Link to="/login">Log in</Link> to get a new link: logging in with an unverified address sends one.
      </p>
    );
  }
  return (
    <>
      <FormError message={formErrors(send.error, []).formError} />
      <Button pending={send.isPending} onClick={() => send.mutate()}>
        Send a new link
      </Button>
      <StatusMessage>
        {send.data ? (
          <p>
            {send.data.message === 'Email already verified'
              ? 'Your email address is already verified.'
              : `We sent a new link to ${user.email}.`}
          </p>
        ) : null}
      </StatusMessage>
    </>
  );
}

export function VerifyEmailStatus({ token }: { token: string | null }) {
  const verification = useVerifyEmail(token);
  const user = useUser();

  if (!token) {
    return (
      <div className="panel">
        <p role="alert">This link is missing its token. Open the link from the e-mail again, or ask for a new one.</p>
        <NewLink />
      </div>
    );
  }
  if (verification.isPending) return <Loading label="Verifying your email address…" />;
  if (verification.isSuccess) {
    return (
      <div className="panel">
        <p role="status">Your email address is verified. Thank you!</p>
        <p>{user ? <Link to="/profile">Go to your profile</Link> : <Link to="/login">Log in</Link>}</p>
      </div>
    );
  }
  const error = verification.error;
  const invalid = error instanceof ApiError && (error.status === 400 || error.status === 422);
  return (
    <div className="panel">
      <p role="alert">
        {invalid
          ? 'This verification link is invalid or has expired, or it has already been used.'
          : `We could not verify your email address: ${formErrors(error, []).formError ?? 'unknown error'}`}
      </p>
      <NewLink />
    </div>
  );
}
