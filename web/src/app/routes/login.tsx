import { Link, Navigate, useSearchParams } from 'react-router';
import { LoginForm } from '@/features/auth/components/login-form';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { safeRedirect, useAuth } from '@/lib/auth';

export function LoginRoute() {
  useDocumentTitle('Log in');
  const { user } = useAuth();
  const [params] = useSearchParams();
  // Logged in (now, or already): on to the page that sent the user here, or home.
  if (user) return <Navigate to={safeRedirect(params.get('redirectTo'))} replace />;
  return (
    <div className="narrow">
      <h1>Log in</h1>
      <LoginForm />
      <p>
        New to CNLearn? <Link to="/signup">Create an account</Link>.
      </p>
    </div>
  );
}
