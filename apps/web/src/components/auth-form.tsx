import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError } from '../lib/api-client';

/** Shared frame for the sign-in and register forms: title, fields, error and submit. */
export function AuthForm(props: {
  title: string;
  submit: string;
  onSubmit: (data: FormData) => Promise<void>;
  children: ReactNode;
  footer: ReactNode;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const handle = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(new FormData(e.currentTarget));
    } catch (err) {
      setError(
        err instanceof ApiError
          ? err.message
          : 'Could not reach the server. Check your connection and try again.',
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="auth">
      <form className="card" onSubmit={(e) => void handle(e)} aria-busy={busy}>
        <h1>
          <img src="/favicon.svg" alt="" width={28} height={28} /> {props.title}
        </h1>
        {props.children}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Please wait…' : props.submit}
        </button>
        <p className="muted small">{props.footer}</p>
      </form>
    </div>
  );
}
