import { useSession } from '../lib/session';

export function AccountPage() {
  const { user } = useSession();
  return (
    <section>
      <h1>Account</h1>
      <dl className="card kv">
        <dt>Name</dt>
        <dd>{user?.name}</dd>
        <dt>Email</dt>
        <dd>{user?.email}</dd>
      </dl>
    </section>
  );
}
