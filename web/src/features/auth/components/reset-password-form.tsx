import { useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { Link } from 'react-router';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { FormError } from '@/components/ui/form-error';
import { useFocusFirstError } from '@/hooks/use-focus-first-error';
import { ApiError, formErrors } from '@/lib/api-client';
import { forgetSession } from '@/lib/auth';
import { text } from '@/utils/form-data';
import { useResetPassword } from '../api/reset-password';

function isInvalidLink(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    ((error.status === 400 && error.formError === 'Invalid token') || error.fieldErrors.token !== undefined)
  );
}

export function ResetPasswordForm({ token }: { token: string }) {
  const reset = useResetPassword();
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const errors = formErrors(reset.error, ['new_password', 'token']);
  useFocusFirstError(form, reset.error);

  if (reset.isSuccess) {
    return (
      <div role="status" className="panel">
        <p>Your password has been changed, and every login of your account has been ended.</p>
        <p>
          <Link to="/login">Log in</Link> with your new password.
        </p>
      </div>
    );
  }

  return (
    <form
      ref={form}
      noValidate
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        if (reset.isPending) return;
        const newPassword = text(new FormData(event.currentTarget), 'new_password');
        reset.mutate(
          { token, new_password: newPassword },
          // The reset ends every login, this page's included.
          { onSuccess: () => forgetSession(queryClient) },
        );
      }}
    >
      {isInvalidLink(reset.error) ? (
        <FormError message="This reset link is invalid or has expired, or it has already been used.">
          <p>
            <Link to="/forgot-password">Ask for a new reset link</Link>.
          </p>
        </FormError>
      ) : (
        <FormError message={errors.formError} />
      )}
      <Field
        label="New password"
        name="new_password"
        type="password"
        autoComplete="new-password"
        required
        error={errors.fieldErrors.new_password}
        hint="At least 8 characters. A few unrelated words make a strong password."
      />
      <div className="actions">
        <Button type="submit" pending={reset.isPending}>
          Set new password
        </Button>
      </div>
    </form>
  );
}
