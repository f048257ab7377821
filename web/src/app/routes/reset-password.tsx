import { Link, useSearchParams } from 'react-router';
import { ResetPasswordForm } from '@/features/auth/components/reset-password-form';
import { useDocumentTitle } from '@/hooks/use-document-title';

export function ResetPasswordRoute() {
  useDocumentTitle('Choose a new password');
  const [params] = useSearchParams();
  const token = params.get('token');
  return (
    <div className="narrow">
      <h1>Choose a new password</h1>
      {token ? (
        <ResetPasswordForm token={token} />
      ) : (
        <div role="alert" className="form-error">
          <p>This link is missing its token: open the link from the e-mail again, whole.</p>
          <p>
            <Link to="/forgot-password">Ask for a new reset link</Link>.
          </p>
        </div>
      )}
    </div>
  );
}
