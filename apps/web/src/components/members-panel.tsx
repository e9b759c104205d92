import { memberSchema, noContentSchema } from '@clapboard/shared/api';
import type { Role } from '@clapboard/shared/roles';
import { type QueryKey, type UseQueryResult, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import type { z } from 'zod';
import { api, errorText } from '../lib/api-client';
import { useSession } from '../lib/session';
import { useToasts } from '../lib/toasts';

/** How a role reads in a member list: `guest` is the client's own people. */
export function roleLabel(role: Role): string {
  return role === 'guest' ? 'client guest' : role;
}

export interface MembersPanelProps {
  /** The members collection in the API: `/projects/{id}/members`, `/clients/{id}/members`, … */
  base: string;
  /** The query `members` came from, refreshed after every change. */
  queryKey: QueryKey;
  members: UseQueryResult<{ items: z.infer<typeof memberSchema>[] }>;
  /** Whether this person invites, changes roles and removes (anyone may leave). */
  canManage: boolean;
  /** The roles offered, in order. */
  roles: readonly Role[];
  /** The invite body's schema: what the form checks before sending. */
  inviteSchema: z.ZodType<{ email: string; role: Role }>;
  /** Prefix of the panel's element ids (unique on the page). */
  idPrefix: string;
  /** What a role here means, under the heading. */
  intro?: ReactNode;
}

/**
 * One members list for projects, clients and campaigns: names, emails and roles; owners change a
 * role, remove someone and invite by email; everyone may leave.
 */
export function MembersPanel({
  base,
  queryKey,
  members,
  canManage,
  roles,
  inviteSchema,
  idPrefix,
  intro,
}: MembersPanelProps) {
  const { user } = useSession();
  const qc = useQueryClient();
  const toasts = useToasts();
  const refresh = () => void qc.invalidateQueries({ queryKey });
  const onError = (err: unknown) => toasts.push('error', errorText(err, 'The change failed.'));
  const invite = useMutation({
    mutationFn: (b: { email: string; role: Role }) => api(base, memberSchema, { method: 'POST', json: b }),
    onSuccess: (m) => {
      refresh();
      toasts.push('success', `${m.name} added as ${roleLabel(m.role)}.`);
    },
  });
  const change = useMutation({
    mutationFn: (b: { userId: string; role: Role }) =>
      api(`${base}/${b.userId}`, memberSchema, { method: 'PATCH', json: { role: b.role } }),
    onSuccess: refresh,
    onError,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => api(`${base}/${userId}`, noContentSchema, { method: 'DELETE' }),
    onSuccess: refresh,
    onError,
  });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = inviteSchema.safeParse({ email: email.trim(), role });
    if (!parsed.success) {
      setProblem('Give the email address of their Clapboard account.');
      return;
    }
    setProblem(null);
    invite.mutate(parsed.data, { onSuccess: () => setEmail('') });
  };
  const roleOptions = roles.map((r) => (
    <option key={r} value={r}>
      {roleLabel(r)}
    </option>
  ));
  return (
    <section className="card" aria-labelledby={`${idPrefix}-title`}>
      <h2 id={`${idPrefix}-title`}>Members</h2>
      {intro && <p className="muted small">{intro}</p>}
      {members.error && <p className="error">{members.error.message}</p>}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.data?.items.map((m) => (
            <tr key={m.userId} data-role={m.role}>
              <td>{m.name}</td>
              <td className="muted">{m.email}</td>
              <td>
                {canManage ? (
                  <select
                    aria-label={`Role of ${m.name}`}
                    value={m.role}
                    onChange={(e) => change.mutate({ userId: m.userId, role: e.target.value as Role })}
                  >
                    {roleOptions}
                  </select>
                ) : (
                  roleLabel(m.role)
                )}
              </td>
              <td>
                {(canManage || m.userId === user?.id) && (
                  <button type="button" className="ghost small" onClick={() => remove.mutate(m.userId)}>
                    {m.userId === user?.id ? 'Leave' : `Remove ${m.name}`}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {canManage && (
        <form className="row wrap" onSubmit={submit} noValidate>
          <label htmlFor={`${idPrefix}-email`} className="grow">
            Invite by email
            <input
              id={`${idPrefix}-email`}
              type="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={!!problem}
            />
          </label>
          <label htmlFor={`${idPrefix}-role`}>
            Role
            <select id={`${idPrefix}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {roleOptions}
            </select>
          </label>
          <button type="submit" disabled={invite.isPending}>
            Invite
          </button>
        </form>
      )}
      {(problem || invite.error) && (
        <p className="error small" role="alert">
          {problem ?? errorText(invite.error, 'Could not invite.')}
        </p>
      )}
    </section>
  );
}
