import { useRef } from 'react';
import { Link } from 'react-router';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { FormError } from '@/components/ui/form-error';
import { useFocusFirstError } from '@/hooks/use-focus-first-error';
import { formErrors } from '@/lib/api-client';
import { useLogin } from '@/lib/auth';
import { text } from '@/utils/form-data';

const EXPLAINED: Record<string, string> = {
  'Email not verified':
    'Email not verified. We have sent a new verification link to your address: follow it, then log in.',
  'Inactive user': 'Inactive user. This account has been deactivated; contact an administrator.',
};

/** On success the session holds the user; the log-in page then moves on. */
export function LoginForm() {
  const login = useLogin();
  const form = useRef<HTMLFormElement>(null);
  // The API names the e-mail `username` (the OAuth2 password form).
  const errors = formErrors(login.error, ['email', 'password'], { username: 'email' });
  useFocusFirstError(form, login.error);

  return (
    <form
      ref={form}
      noValidate
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        if (login.isPending) return;
        const data = new FormData(event.currentTarget);
        login.mutate({ email: text(data, 'email'), password: text(data, 'password') });
      }}
    >
      <FormError message={errors.formError && (EXPLAINED[errors.formError] ?? errors.formError)} />
      <Field label="Email" name="email" type="email" autoComplete="username" required error={errors.fieldErrors.email} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={errors.fieldErrors.password}
      />
      <div className="actions">
        <Button type="submit" pending={login.isPending}>
          Log in
        </Button>
        <Link to="/forgot-password">Forgot password?</Link>
      </div>
    </form>
  );
}
