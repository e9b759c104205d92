import { Link, Navigate, Outlet, useLocation } from '@tanstack/react-router';
import { useSession } from '../lib/session';
import { Inbox } from './inbox';

/** Header, navigation and the sign-in guard for every signed-in page. */
export function AppShell() {
  const { user, loading, signOut } = useSession();
  const location = useLocation();
  if (loading)
    return (
      <div className="center muted" role="status">
        Loading your studio…
      </div>
    );
  if (!user) return <Navigate to="/login" search={{ redirect: location.href }} />;
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
