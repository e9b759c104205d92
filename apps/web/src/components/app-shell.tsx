import { Link, Outlet, useLocation, useNavigate } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { useSession } from '../lib/session';
import { Inbox } from './inbox';

/** Header, navigation and the sign-in guard for every signed-in page. */
export function AppShell() {
  const { user, loading, signOut } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const signedOut = !loading && !user;
  // Where to come back to, as of the moment the session ended (not followed afterwards).
  const here = useRef(location.href);
  here.current = location.href;
  // Sends a signed-out visitor (or one whose session just ended) to the sign-in page once. A
  // <Navigate> rendered here re-fired on every re-render while the router was still leaving this
  // route, and after a sign-out that spun the page in a navigation loop.
  useEffect(() => {
    if (signedOut) void navigate({ to: '/login', search: { redirect: here.current }, replace: true });
  }, [signedOut, navigate]);
  if (loading)
    return (
      <div className="center muted" role="status">
        Loading your studio…
      </div>
    );
  if (!user) return null;
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Clapboard home">
          <img src="/favicon.svg" alt="" width={22} height={22} /> Clapboard
        </Link>
        <nav aria-label="Main">
          <Link to="/" activeOptions={{ exact: true }}>
            Projects
          </Link>
          <Link to="/clients">Clients</Link>
          <Link to="/jobs">Jobs</Link>
          <Link to="/account">{user.name}</Link>
        </nav>
        <Inbox />
        <button type="button" className="ghost" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
