import { Link, Navigate, useNavigate } from '@tanstack/react-router';
import { AuthForm } from '../components/auth-form';
import { useSession } from '../lib/session';

export function RegisterPage() {
  const { user, register } = useSession();
  const navigate = useNavigate();
  if (user) return <Navigate to="/" />;
  return (
    <AuthForm
      title="Create your account"
      submit="Create account"
      onSubmit={async (data) => {
        await register(String(data.get('name')), String(data.get('email')), String(data.get('password')));
        await navigate({ to: '/' });
      }}
      footer={
        <>
          Already have an account?{' '}
          <Link to="/login" search={{ redirect: undefined }}>
            Sign in
          </Link>
        </>
      }
    >
      <label>
        Name
        <input name="name" autoComplete="name" required maxLength={100} />
      </label>
      <label>
        Email
        <input name="email" type="email" autoComplete="email" required />
      </label>
      <label>
        Password <span className="muted small">(at least 10 characters)</span>
        <input name="password" type="password" autoComplete="new-password" minLength={10} required />
      </label>
    </AuthForm>
  );
}
