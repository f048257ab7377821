import { Link } from 'react-router';
import { Loading } from '@/components/ui/loading';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { useAuth } from '@/lib/auth';

export function HomeRoute() {
  useDocumentTitle(undefined);
  const { user, status } = useAuth();
  let account;
  if (status === 'pending') {
    account = <Loading label="Checking whether you are logged in…" />;
  } else if (user) {
    account = (
      <div className="panel">
        <p>
          You are logged in as{' '}
          {user.full_name ? (
            <>
              <strong>{user.full_name}</strong> ({user.email})
            </>
          ) : (
            <strong>{user.email}</strong>
          )}
          .
        </p>
        <p>Your profile page (in the menu above) has your name, email, password, logins and security history.</p>
      </div>
    );
  } else {
    account = (
      <div className="actions">
        <Link className="button button-primary" to="/signup">
          Sign up
        </Link>
        <Link className="button button-secondary" to="/login">
          Log in
        </Link>
      </div>
    );
  }
  return (
    <>
      <h1>CNLearn</h1>
      <p className="lead">CNLearn is an app for learning Chinese: look up words, keep your own word lists and follow your progress.</p>
      <p>
        This is your CNLearn account. Sign up with your email address, log in, and manage your profile, password and
        logins.
      </p>
      {account}
    </>
  );
}
