import {
  budgetResponseSchema,
  inviteMemberBodySchema,
  type Project,
  projectSchema,
} from '@clapboard/shared/api';
import { ASPECT_RATIOS, DOC_KEYS, RESOLUTIONS, TRANSITIONS } from '@clapboard/shared/document';
import { MEMBER_ROLES } from '@clapboard/shared/roles';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { MembersPanel } from '../components/members-panel';
import { api, errorText } from '../lib/api-client';
import { formatUsd } from '../lib/format';
import { useCan, useProject } from '../lib/project-context';
import { useToasts } from '../lib/toasts';
import { useMembers } from '../lib/use-members';
import { useBudget } from '../renders/render-form';

/** Members and roles: invite by email, change a role, remove (owners only). */
function Members() {
  const { projectId } = useProject();
  return (
    <MembersPanel
      base={`/projects/${projectId}/members`}
      queryKey={['members', projectId]}
      members={useMembers(projectId)}
      canManage={useCan('members:manage')}
      roles={MEMBER_ROLES}
      inviteSchema={inviteMemberBodySchema}
      idPrefix="project-members"
    />
  );
}

/** Soft (warns) and hard (refuses) limits, and what has been spent. */
function BudgetSettings() {
  const { projectId } = useProject();
  const qc = useQueryClient();
  const toasts = useToasts();
  const canManage = useCan('budget:manage');
  const budget = useBudget(projectId);
  const save = useMutation({
    mutationFn: (b: { softLimitUsd: number | null; hardLimitUsd: number | null }) =>
      api(`/projects/${projectId}/budget`, budgetResponseSchema, { method: 'PUT', json: b }),
    onSuccess: () => {
      toasts.push('success', 'Budget saved.');
      void qc.invalidateQueries({ queryKey: ['budget', projectId] });
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const num = (k: string) => (String(f.get(k) ?? '').trim() === '' ? null : Number(f.get(k)));
    save.mutate({ softLimitUsd: num('soft'), hardLimitUsd: num('hard') });
  };
  const b = budget.data;
  return (
    <section className="card" aria-labelledby="budget-title">
      <h2 id="budget-title">Budget</h2>
      {b && (
        <p>
          Spent <strong>{formatUsd(b.spentUsd)}</strong>, reserved {formatUsd(b.reservedUsd)}
          {b.remainingUsd != null ? `, ${formatUsd(b.remainingUsd)} left` : ''}.
        </p>
      )}
      {b && (
        <form className="row wrap" onSubmit={submit} key={`${b.softLimitUsd}-${b.hardLimitUsd}`}>
          <label htmlFor="budget-soft">
            Soft limit (USD, warns)
            <input
              id="budget-soft"
              name="soft"
              type="number"
              min={0}
              step="0.01"
              defaultValue={b.softLimitUsd ?? ''}
              disabled={!canManage}
            />
          </label>
          <label htmlFor="budget-hard">
            Hard limit (USD, refuses)
            <input
              id="budget-hard"
              name="hard"
              type="number"
              min={0}
              step="0.01"
              defaultValue={b.hardLimitUsd ?? ''}
              disabled={!canManage}
            />
          </label>
          {canManage && (
            <button type="submit" disabled={save.isPending}>
              Save budget
            </button>
          )}
        </form>
      )}
      {save.error && (
        <p className="error small" role="alert">
          {errorText(save.error, 'Could not save the budget.')}
        </p>
      )}
    </section>
  );
}

/**
 * Project defaults for renders. Written to the API (what jobs read) and mirrored into the Y.Map
 * `settings` so open workspaces update live.
 */
function Defaults() {
  const { projectId, project, connection } = useProject();
  const qc = useQueryClient();
  const toasts = useToasts();
  const canEdit = useCan('project:update');
  const save = useMutation({
    mutationFn: (settings: Project['settings']) =>
      api(`/projects/${projectId}`, projectSchema, { method: 'PATCH', json: { settings } }),
    onSuccess: (p) => {
      const map = connection.doc.getMap(DOC_KEYS.settings);
      connection.doc.transact(() => {
        for (const [k, v] of Object.entries(p.settings ?? {})) map.set(k, v);
      });
      qc.setQueryData(['project', projectId], p);
      toasts.push('success', 'Defaults saved.');
    },
  });
  if (!project) return null;
  const s = project.settings;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    save.mutate({
      aspectRatio: String(f.get('aspect')) as Project['settings']['aspectRatio'],
      resolution: String(f.get('resolution')) as Project['settings']['resolution'],
      fps: Number(f.get('fps')),
      musicPrompt: String(f.get('music')),
      transition: String(f.get('transition')) as Project['settings']['transition'],
    });
  };
  return (
    <section className="card" aria-labelledby="defaults-title">
      <h2 id="defaults-title">Project defaults</h2>
      <form onSubmit={submit} className="form-grid">
        <fieldset disabled={!canEdit} className="form-grid contents">
          <label htmlFor="set-aspect">
            Aspect ratio
            <select id="set-aspect" name="aspect" defaultValue={s.aspectRatio}>
              {ASPECT_RATIOS.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <label htmlFor="set-resolution">
            Resolution
            <select id="set-resolution" name="resolution" defaultValue={s.resolution}>
              {RESOLUTIONS.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <label htmlFor="set-fps">
            Frames per second
            <input id="set-fps" name="fps" type="number" min={12} max={60} defaultValue={s.fps} />
          </label>
          <label htmlFor="set-music">
            Music mood
            <input id="set-music" name="music" maxLength={500} defaultValue={s.musicPrompt} />
          </label>
          <label htmlFor="set-transition">
            Transition
            <select id="set-transition" name="transition" defaultValue={s.transition}>
              {TRANSITIONS.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
        </fieldset>
        {canEdit && (
          <button type="submit" disabled={save.isPending}>
            Save defaults
          </button>
        )}
      </form>
      {save.error && (
        <p className="error small" role="alert">
          {errorText(save.error, 'Could not save.')}
        </p>
      )}
    </section>
  );
}

/** The Settings tab: members and roles, budget, project defaults. */
export function SettingsTab() {
  return (
    <div className="settings">
      <Members />
      <BudgetSettings />
      <Defaults />
    </div>
  );
}
