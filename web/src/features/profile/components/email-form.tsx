import { useRef } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { FormError } from '@/components/ui/form-error';
import { StatusMessage } from '@/components/ui/status-message';
import { useFocusFirstError } from '@/hooks/use-focus-first-error';
import { formErrors, type User } from '@/lib/api-client';
import { text } from '@/utils/form-data';
import { useUpdateMe } from '../api/update-me';

export function EmailForm({ user }: { user: User }) {
  const update = useUpdateMe();
  const form = useRef<HTMLFormElement>(null);
  const password = useRef<HTMLInputElement>(null);
  const errors = formErrors(update.error, ['email', 'current_password']);
  useFocusFirstError(form, update.error);
  return (
    <form
      ref={form}
      noValidate
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        if (update.isPending) return;
        const data = new FormData(event.currentTarget);
        update.mutate(
          { email: text(data, 'email').trim(), current_password: text(data, 'current_password') },
          {
            onSuccess: () => {
              if (password.current) password.current.value = '';
            },
          },
        );
      }}
    >
      <FormError message={errors.formError} />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={user.email}
        error={errors.fieldErrors.email}
      />
      <Field
        ref={password}
        label="Current password"
        name="current_password"
        type="password"
        autoComplete="current-password"
        required
        error={errors.fieldErrors.current_password}
        hint="Needed to change your email address."
      />
      <div className="actions">
        <Button type="submit" pending={update.isPending}>
          Change email
        </Button>
      </div>
      <StatusMessage>
        {update.data ? (
          <p>
            Your email address is now {update.data.email}. We ended your other logins and told your old address about
            the change.
          </p>
        ) : null}
      </StatusMessage>
    </form>
  );
}
