import { useRef } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { FormError } from '@/components/ui/form-error';
import { useFocusFirstError } from '@/hooks/use-focus-first-error';
import { formErrors } from '@/lib/api-client';
import { useAuth } from '@/lib/auth';
import { text } from '@/utils/form-data';
import { useChangePassword } from '../api/change-password';

export function PasswordForm() {
  const change = useChangePassword();
  const { endSession } = useAuth();
  const form = useRef<HTMLFormElement>(null);
  const errors = formErrors(change.error, ['current_password', 'new_password']);
  useFocusFirstError(form, change.error);
  return (
    <form
      ref={form}
      noValidate
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        if (change.isPending) return;
        const data = new FormData(event.currentTarget);
        change.mutate(
          { current_password: text(data, 'current_password'), new_password: text(data, 'new_password') },
          {
            // The API has ended every login of the account, this one too: log in again with the new password.
            onSuccess: () =>
              endSession('Your password has been changed and all your logins were ended. Log in with your new password.'),
          },
        );
      }}
    >
      <FormError message={errors.formError} />
      <Field
        label="Current password"
        name="current_password"
        type="password"
        autoComplete="current-password"
        required
        error={errors.fieldErrors.current_password}
      />
      <Field
        label="New password"
        name="new_password"
        type="password"
        autoComplete="new-password"
        required
        error={errors.fieldErrors.new_password}
        hint="At least 8 characters. Changing it logs you out everywhere, here too."
      />
      <div className="actions">
        <Button type="submit" pending={change.isPending}>
          Change password
        </Button>
      </div>
    </form>
  );
}
