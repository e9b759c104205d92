import { Link, Navigate, useNavigate, useSearch } from '@tanstack/react-router';
import { AuthForm } from '../components/auth-form';
import { useSession } from '../lib/session';

export function LoginPage() {
  const { user, signIn } = useSession();
  const navigate = useNavigate();
  const search = useSearch({ strict: false }) as { redirect?: string };
  // Only same-app paths: an open redirect to another origin would be a phishing aid.
  const target =
    search.redirect?.startsWith('/') && !search.redirect.startsWith('//') ? search.redirect : '/';
  if (user) return <Navigate to={target} />;
  return (
    <AuthForm
      title="Sign in to Clapboard"
      submit="Sign in"
      onSubmit={async (data) => {
        await signIn(String(data.get('email')), String(data.get('password')));
        await navigate({ to: target });
      }}
      footer={
        <>
          New here? <Link to="/register">Create an account</Link> ·{' '}
          <Link to="/forgot-password">Forgot your password?</Link>
        </>
      }
    >
      <label>
        Email
        <input name="email" type="email" autoComplete="email" required />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
    </AuthForm>
  );
}
