// Every page: a skip link, the header (the site's name; for a logged-in user the account links and
// "Log out"), <main> with the page, and a footer. On navigation, focus moves to the new page's heading so a
// screen reader starts there.
import { Suspense, useEffect, useRef } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { Button } from '@/components/ui/button';
import { Loading } from '@/components/ui/loading';
import { useNotice } from '@/hooks/use-notice';
import { useAuth, useLogout } from '@/lib/auth';

function AccountNav() {
  const { user } = useAuth();
  const logout = useLogout();
  const navigate = useNavigate();
  if (!user) return null;
  return (
    <nav aria-label="Account" className="account-nav">
      <ul>
        <li>
          <NavLink to="/profile">Profile</NavLink>
        </li>
        {user.is_superuser ? (
          <li>
            <NavLink to="/admin/users">Admin</NavLink>
          </li>
        ) : null}
        <li>
          <Button
            variant="secondary"
            pending={logout.isPending}
            onClick={() => {
              // Leave protected pages first, so they do not send the user to /login on the way out.
              void navigate('/', { state: { notice: 'You have logged out.' } });
              logout.mutate();
            }}
          >
            Log out
          </Button>
        </li>
      </ul>
    </nav>
  );
}

function Notice() {
  const notice = useNotice();
  return notice ? (
    <p role="status" className="notice">
      {notice}
    </p>
  ) : null;
}

function useFocusOnNavigation() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>('main h1');
    const target = heading ?? document.querySelector<HTMLElement>('main');
    if (!target) return;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
  }, [pathname]);
}

export function Layout() {
  useFocusOnNavigation();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to="/" className="brand">
            CNLearn
          </Link>
          <AccountNav />
        </div>
      </header>
      <main id="main" tabIndex={-1} className="container">
        <Notice />
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer">
        <div className="container">
          <a href="/docs">API documentation</a>
        </div>
      </footer>
    </>
  );
}
