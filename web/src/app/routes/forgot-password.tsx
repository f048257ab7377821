import { Link } from 'react-router';
import { ForgotPasswordForm } from '@/features/auth/components/forgot-password-form';
import { useDocumentTitle } from '@/hooks/use-document-title';

export function ForgotPasswordRoute() {
  useDocumentTitle('Forgot password');
  return (
    <div className="narrow">
      <h1>Reset your password</h1>
      <p>Enter the email address of your account. We will send you a link to choose a new password.</p>
      <ForgotPasswordForm />
      <p>
        Remembered it? <Link to="/login">Back to log in</Link>.
      </p>
    </div>
  );
}
