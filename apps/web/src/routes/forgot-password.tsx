import {
  type AuthOptions,
  authOptionsSchema,
  type PasswordResetAccepted,
  passwordResetAcceptedSchema,
} from '@clapboard/shared/api';
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { AuthForm } from '../components/auth-form';
import { api } from '../lib/api-client';

/** Asks for a reset link; says up front whether this studio emails it or an admin hands it out. */
export function ForgotPasswordPage() {
  const [options, setOptions] = useState<AuthOptions | null>(null);
  const [sent, setSent] = useState<PasswordResetAccepted | null>(null);
  useEffect(() => {
    api('/auth/options', authOptionsSchema)
      .then(setOptions)
      .catch(() => setOptions(null));
  }, []);
  const back = (
    <Link to="/login" search={{ redirect: undefined }}>
      Back to sign in
    </Link>
  );
  if (sent)
    return (
      <div className="auth">
        <div className="card" role="status">
          <h1>Reset your password</h1>
          <p>{sent.message}</p>
          {sent.delivery === 'admin' && (
            <p className="muted small">
              An instance admin can issue a one-time link from their Account page and send it to you.
            </p>
          )}
          <p className="muted small">{back}</p>
        </div>
      </div>
    );
  return (
    <AuthForm
      title="Reset your password"
      submit={options?.passwordReset === 'admin' ? 'Continue' : 'Email me a reset link'}
      onSubmit={async (data) => {
        setSent(
          await api('/auth/password-reset', passwordResetAcceptedSchema, {
            method: 'POST',
            json: { email: String(data.get('email')) },
          }),
        );
      }}
      footer={back}
    >
      {options?.passwordReset === 'admin' && (
        <p className="muted small">
          This studio sends no email: an instance admin issues reset links. Ask yours for one.
        </p>
      )}
      <label>
        Email
        <input name="email" type="email" autoComplete="email" required />
      </label>
    </AuthForm>
  );
}
