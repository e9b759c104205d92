import { noContentSchema, resetTokenSchema } from '@clapboard/shared/api';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { AuthForm } from '../components/auth-form';
import { api } from '../lib/api-client';

/** The token travels in the fragment (`#token=…`), which browsers never send to a server. */
function tokenFromHash(): string | null {
  const parsed = resetTokenSchema.safeParse(new URLSearchParams(window.location.hash.slice(1)).get('token'));
  return parsed.success ? parsed.data : null;
}

/** Sets a new password with a one-time link; every session of the account ends. */
export function ResetPasswordPage() {
  const [token] = useState(tokenFromHash);
  const [done, setDone] = useState(false);
  const signIn = (
    <Link to="/login" search={{ redirect: undefined }}>
      Sign in
    </Link>
  );
  if (!token || done)
    return (
      <div className="auth">
        <div className="card" role="status">
          <h1>Reset your password</h1>
          <p>
            {done
              ? 'Your password is set. Every device that was signed in has been signed out.'
              : 'This link has no reset token. Open the link from your email or your admin again.'}
          </p>
          <p className="muted small">
            {done ? signIn : <Link to="/forgot-password">Ask for a new link</Link>}
          </p>
        </div>
      </div>
    );
  return (
    <AuthForm
      title="Choose a new password"
      submit="Set password"
      onSubmit={async (data) => {
        await api('/auth/password-reset/confirm', noContentSchema, {
          method: 'POST',
          json: { token, password: String(data.get('password')) },
        });
        // The token is spent: take it out of the address bar and history.
        window.history.replaceState(null, '', window.location.pathname);
        setDone(true);
      }}
      footer={<Link to="/forgot-password">Ask for a new link</Link>}
    >
      <label>
        New password <span className="muted small">(at least 10 characters)</span>
        <input name="password" type="password" autoComplete="new-password" minLength={10} required />
      </label>
    </AuthForm>
  );
}
