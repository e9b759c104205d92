import type { Notification } from '@clapboard/shared/review';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { api } from '../lib/api-client';
import { formatTime } from '../lib/format';
import { onNotification } from '../lib/inbox-events';

/**
 * The inbox's response schemas, loaded on first use: the shell is in the entry chunk, which must not
 * carry zod (see session.tsx).
 */
const reviewSchemas = () => import('@clapboard/shared/review');

function describe(n: Notification): string {
  // The payload is an open record: read only its text fields.
  const p: Partial<Record<string, string>> = Object.fromEntries(
    Object.entries(n.payload).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  switch (n.kind) {
    case 'mention':
      return `${p.actor ?? 'Someone'} mentioned you: ${p.excerpt ?? ''}`;
    case 'reply':
      return `${p.actor ?? 'Someone'} replied: ${p.excerpt ?? ''}`;
    case 'approval':
      return `${p.actor ?? 'A reviewer'} ${p.status === 'approved' ? 'approved' : 'requested changes on'} ${p.heading ?? 'a scene'}`;
    case 'render_finished':
      return p.status === 'completed'
        ? 'Your render finished'
        : `Your render failed${p.error ? `: ${p.error}` : ''}`;
    case 'variant_decision':
      return `${p.actor ?? 'A reviewer'}${p.role === 'guest' ? ' (client)' : ''} ${p.status === 'approved' ? 'approved' : 'requested changes on'} the ${p.label ?? 'variant'}`;
    case 'cost_variance':
      return `A job cost more than estimated: ${p.message ?? ''}`;
    case 'budget_soft_limit':
      return `Campaign soft budget passed: ${p.message ?? ''}`;
  }
}

/**
 * The inbox in the header: the unread count, and a list of mentions, replies, decisions and
 * finished renders. Live while a project is open (its socket forwards `notification:new`);
 * elsewhere it refreshes every minute.
 */
export function Inbox() {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const inbox = useQuery({
    queryKey: ['notifications'],
    queryFn: async () => api('/notifications', (await reviewSchemas()).notificationsPageSchema),
    refetchInterval: 60_000,
  });
  useEffect(() => onNotification(() => void qc.invalidateQueries({ queryKey: ['notifications'] })), [qc]);
  const markRead = useMutation({
    mutationFn: async (body: { ids?: string[]; all?: boolean }) =>
      api('/notifications/read', (await reviewSchemas()).notificationsReadResponseSchema, {
        method: 'POST',
        json: body,
      }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['notifications'] }),
  });
  const unread = inbox.data?.unread ?? 0;
  return (
    <div className="inbox">
      <button
        type="button"
        className="ghost"
        aria-expanded={open}
        aria-label={`Inbox, ${unread} unread`}
        onClick={() => setOpen((v) => !v)}
      >
        Inbox{' '}
        <span className="count" data-unread={unread}>
          {unread}
        </span>
      </button>
      {open && (
        <div className="inbox-panel card" role="dialog" aria-label="Inbox">
          <div className="row spread">
            <strong>Inbox</strong>
            <button
              type="button"
              className="ghost small"
              disabled={unread === 0}
              onClick={() => markRead.mutate({ all: true })}
            >
              Mark all read
            </button>
          </div>
          {inbox.data?.items.length === 0 && <p className="muted small">Nothing yet.</p>}
          <ul className="plain">
            {inbox.data?.items.map((n) => (
              <li key={n.id} className="notification" data-unread={n.readAt === null}>
                {n.projectId ? (
                  <Link
                    to="/projects/$projectId/$tab"
                    params={{
                      projectId: n.projectId,
                      tab:
                        n.kind === 'render_finished' || n.kind === 'cost_variance'
                          ? 'renders'
                          : n.kind === 'budget_soft_limit'
                            ? 'settings'
                            : n.kind === 'variant_decision'
                              ? 'variants'
                              : 'review',
                    }}
                    onClick={() => {
                      if (!n.readAt) markRead.mutate({ ids: [n.id] });
                      setOpen(false);
                    }}
                  >
                    {describe(n)}
                  </Link>
                ) : (
                  describe(n)
                )}
                <span className="muted small"> · {formatTime(n.createdAt)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
