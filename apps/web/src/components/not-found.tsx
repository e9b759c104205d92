import { Link } from '@tanstack/react-router';

export function NotFound() {
  return (
    <div className="center">
      <h1>Page not found</h1>
      <p className="muted">The page you asked for does not exist, or you do not have access to it.</p>
      <Link to="/">Back to your projects</Link>
    </div>
  );
}
