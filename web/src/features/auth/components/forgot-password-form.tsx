import { useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { FormError } from '@/components/ui/form-error';
import { StatusMessage } from '@/components/ui/status-message';
import { useFocusFirstError } from '@/hooks/use-focus-first-error';
import { ApiError, formErrors } from '@/lib/api-client';
import { text } from '@/utils/form-data';
import { useRequestPasswordRecovery } from '../api/request-password-recovery';

export function ForgotPasswordForm() {
  const recovery = useRequestPasswordRecovery();
  const form = useRef<HTMLFormElement>(null);
  const errors = formErrors(recovery.error, ['email']);
  // An empty address would ask for another path altogether; say so here instead.
  const [missing, setMissing] = useState(false);
  if (missing) errors.fieldErrors.email = 'Enter the email address of your account.';
  useFocusFirstError(form, recovery.error);
  // The routes are absent when the service has password recovery turned off.
  const formError =
    recovery.error instanceof ApiError && recovery.error.status === 404
      ? 'Password recovery is not available on this service. Please contact an administrator.'
      : errors.formError;

  return (
    <form
      ref={form}
      noValidate
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        if (recovery.isPending) return;
        const email = text(new FormData(event.currentTarget), 'email').trim();
        setMissing(email === '');
        if (email === '') {
          recovery.reset();
          event.currentTarget.querySelector('input')?.focus();
          return;
        }
        recovery.mutate(email);
      }}
    >
      <FormError message={formError} />
      <Field label="Email" name="email" type="email" autoComplete="email" required error={errors.fieldErrors.email} />
      <div className="actions">
        <Button type="submit" pending={recovery.isPending}>
          Send reset link
        </Button>
      </div>
      <StatusMessage>
        {recovery.isSuccess ? (
          <p>If that email is registered, we sent a link to it. It works once; check your spam folder if it does not arrive.</p>
        ) : null}
      </StatusMessage>
    </form>
  );
}
