import {
  adminPasswordResetResponseSchema,
  type OwnedProjectsBlocking,
  ownedProjectsBlockingSchema,
} from '@clapboard/shared/api';
import { Link } from '@tanstack/react-router';
import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError, api } from '../lib/api-client';
import { useSession } from '../lib/session';

/** One small form: runs `action`, shows its error or `done` message. */
function ActionForm(props: {
  title: string;
  submit: string;
  danger?: boolean;
  action: (data: FormData) => Promise<string | undefined>;
  children?: ReactNode;
  extra?: ReactNode;
}) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    setBusy(true);
    setMessage(null);
    try {
      const done = await props.action(new FormData(form));
      if (done) setMessage({ ok: true, text: done });
      form.reset();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : 'Something went wrong.' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={(e) => void run(e)} aria-busy={busy} aria-label={props.title}>
      <h2>{props.title}</h2>
      {props.children}
      {message && (
        <p className={message.ok ? 'muted' : 'error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      {props.extra}
      <button type="submit" disabled={busy} className={props.danger ? 'danger' : undefined}>
        {busy ? 'Please wait…' : props.submit}
      </button>
    </form>
  );
}

/** Account settings: password, sessions, deletion; instance admins also issue reset links. */
export function AccountPage() {
  const { user, changePassword, signOutEverywhere, deleteAccount } = useSession();
  const [blocking, setBlocking] = useState<OwnedProjectsBlocking['projects']>([]);
  const [resetLink, setResetLink] = useState<string | null>(null);
  const field = (data: FormData, name: string) => String(data.get(name) ?? '');
  return (
    <section className="account">
      <h1>Account</h1>
      <dl className="card kv">
        <dt>Name</dt>
        <dd>{user?.name}</dd>
        <dt>Email</dt>
        <dd>{user?.email}</dd>
      </dl>

      <ActionForm
        title="Change password"
        submit="Change password"
        action={async (data) => {
          await changePassword({
            currentPassword: field(data, 'currentPassword'),
            newPassword: field(data, 'newPassword'),
          });
          return 'Password changed. Your other devices were signed out.';
        }}
      >
        <label>
          Current password
          <input name="currentPassword" type="password" autoComplete="current-password" required />
        </label>
        <label>
          New password <span className="muted small">(at least 10 characters)</span>
          <input name="newPassword" type="password" autoComplete="new-password" minLength={10} required />
        </label>
      </ActionForm>

      <ActionForm
        title="Sign out everywhere"
        submit="Sign out everywhere"
        action={async () => {
          // The app shell's sign-in guard takes the page to /login once the session is gone.
          await signOutEverywhere();
          return undefined;
        }}
      >
        <p className="muted small">Ends every session of this account, on every device, this one included.</p>
      </ActionForm>

      <ActionForm
        title="Delete account"
        submit="Delete my account"
        danger
        action={async (data) => {
          setBlocking([]);
          try {
            await deleteAccount(field(data, 'password'));
          } catch (err) {
            const details = err instanceof ApiError && err.status === 409 ? err.details : undefined;
            const parsed = ownedProjectsBlockingSchema.safeParse(details);
            if (parsed.success) setBlocking(parsed.data.projects);
            throw err;
          }
          return undefined;
        }}
        extra={
          blocking.length > 0 && (
            <ul>
              {blocking.map((p) => (
                <li key={p.id}>
                  <Link to="/projects/$projectId/$tab" params={{ projectId: p.id, tab: 'settings' }}>
                    {p.name}
                  </Link>{' '}
                  <span className="muted small">({p.otherMembers} other members)</span>
                </li>
              ))}
            </ul>
          )
        }
      >
        <p className="muted small">
          Projects where you are the only member are deleted with your account. While you are the only owner
          of a project other people work in, make one of them an owner first (project Settings).
        </p>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
      </ActionForm>

      {user?.isAdmin && (
        <ActionForm
          title="Issue a password reset link (admin)"
          submit="Issue link"
          action={async (data) => {
            const res = await api('/admin/password-resets', adminPasswordResetResponseSchema, {
              method: 'POST',
              json: { email: field(data, 'email') },
            });
            setResetLink(res.url);
            return `Send this one-time link to the user; it works until ${new Date(res.expiresAt).toLocaleString()}.`;
          }}
          extra={
            resetLink && (
              <input
                readOnly
                value={resetLink}
                aria-label="Reset link"
                onFocus={(e) => e.currentTarget.select()}
              />
            )
          }
        >
          <label>
            User’s email
            <input name="email" type="email" required />
          </label>
        </ActionForm>
      )}
    </section>
  );
}
