import { useRef } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';
import { SignupForm, type SignupOutcome } from '@/features/auth/components/signup-form';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { useAuth } from '@/lib/auth';

export function SignupRoute() {
  useDocumentTitle('Sign up');
  const { user } = useAuth();
  const navigate = useNavigate();
  // Set once the account exists: the log-in that follows must not count as "already logged in".
  const signedUp = useRef(false);
  if (user && !signedUp.current) return <Navigate to="/" replace />;

  const done = (outcome: SignupOutcome) => {
    if (outcome.loggedIn) {
      void navigate('/', { replace: true, state: { notice: 'Welcome to CNLearn! Your account is ready and you are logged in.' } });
      return;
    }
    const notice = outcome.needsVerification
      ? `Your account has been created. We sent a verification link to ${outcome.email}: follow it, then log in.`
      : 'Your account has been created. Please log in.';
    void navigate('/login', { state: { notice } });
  };

  return (
    <div className="narrow">
      <h1>Sign up</h1>
      <p>Create your CNLearn account.</p>
      <SignupForm onRegistered={() => (signedUp.current = true)} onDone={done} />
      <p>
        Already have an account? <Link to="/login">Log in instead</Link>.
      </p>
    </div>
  );
}
