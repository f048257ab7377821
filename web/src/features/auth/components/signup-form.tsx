import { useRef } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { FormError } from '@/components/ui/form-error';
import { useFocusFirstError } from '@/hooks/use-focus-first-error';
import { ApiError, formErrors } from '@/lib/api-client';
import { useLogin } from '@/lib/auth';
import { text } from '@/utils/form-data';
import { useRegister } from '../api/register';

/** How sign-up ended: logged in, or the account exists but needs a log-in (after e-mail verification). */
export type SignupOutcome = { loggedIn: true } | { loggedIn: false; email: string; needsVerification: boolean };

export function SignupForm({
  onRegistered,
  onDone,
}: {
  /** The account exists; the log-in with it starts. */
  onRegistered: () => void;
  onDone: (outcome: SignupOutcome) => void;
}) {
  const register = useRegister();
  const login = useLogin();
  const form = useRef<HTMLFormElement>(null);
  const errors = formErrors(register.error, ['email', 'password', 'full_name']);
  useFocusFirstError(form, register.error);
  const pending = register.isPending || login.isPending;

  return (
    <form
      ref={form}
      noValidate
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        if (pending) return;
        const data = new FormData(event.currentTarget);
        const email = text(data, 'email');
        const password = text(data, 'password');
        const fullName = text(data, 'full_name').trim();
        register.mutate(
          { email, password, ...(fullName ? { full_name: fullName } : {}) },
          {
            // Log straight in with what was just typed; if the service wants the address verified first,
            // the log-in page says so.
            onSuccess: () => {
              onRegistered();
              login.mutate(
                { email, password },
                {
                  onSuccess: () => onDone({ loggedIn: true }),
                  onError: (error) =>
                    onDone({
                      loggedIn: false,
                      email,
                      needsVerification: error instanceof ApiError && error.formError === 'Email not verified',
                    }),
                },
              );
            },
          },
        );
      }}
    >
      <FormError message={errors.formError} />
      <Field label="Email" name="email" type="email" autoComplete="email" required error={errors.fieldErrors.email} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        error={errors.fieldErrors.password}
        hint="At least 8 characters. A few unrelated words make a strong password."
      />
      <Field label="Full name" name="full_name" autoComplete="name" error={errors.fieldErrors.full_name} />
      <div className="actions">
        <Button type="submit" pending={pending}>
          Sign up
        </Button>
      </div>
    </form>
  );
}
