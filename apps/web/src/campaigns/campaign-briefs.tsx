import { can } from '@clapboard/shared/permissions';
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { formatTime } from '../lib/format';
import { draftSourceText } from './brief-form';
import { useBriefs, useCampaign, useCampaignProjects } from './use-org';

/**
 * A campaign's briefs, newest first: each names its project and how its last storyboard draft was
 * made, and opens in the project's Brief tab (where it is edited and drafted, beside the script).
 */
export function CampaignBriefs({ campaignId }: { campaignId: string }) {
  const navigate = useNavigate();
  const campaign = useCampaign(campaignId);
  const projects = useCampaignProjects(campaignId);
  const briefs = useBriefs({ campaignId });
  const [projectId, setProjectId] = useState('');
  const names = new Map(projects.data?.items.map((p) => [p.id, p.name]) ?? []);
  const writable = projects.data?.items.filter((p) => can(p.role, 'briefs:write')) ?? [];
  const write = (e: FormEvent) => {
    e.preventDefault();
    if (projectId) void navigate({ to: '/projects/$projectId/$tab', params: { projectId, tab: 'brief' } });
  };
  return (
    <div className="org-section">
      {can(campaign.data?.role, 'briefs:write') && writable.length > 0 && (
        <form className="row wrap card" onSubmit={write}>
          <label htmlFor="brief-project" className="grow">
            Write a brief for
            <select id="brief-project" value={projectId} onChange={(e) => setProjectId(e.target.value)}>
              <option value="">Choose a project…</option>
              {writable.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={!projectId}>
            Open its brief
          </button>
        </form>
      )}
      {briefs.isPending && <p className="muted">Loading briefs…</p>}
      {briefs.error && <p className="error">{briefs.error.message}</p>}
      {briefs.data?.items.length === 0 && (
        <p className="muted">No briefs yet. A brief says what a project is to say, to whom and how long.</p>
      )}
      <ul className="plain brief-list">
        {briefs.data?.items.map((b) => (
          <li key={b.id} className="card">
            <div className="row spread">
              <Link to="/projects/$projectId/$tab" params={{ projectId: b.projectId, tab: 'brief' }}>
                <strong>{b.title}</strong>
              </Link>
              <span className="muted small">
                {names.get(b.projectId) ?? 'Project'} · {b.tone} ·{' '}
                {b.durations.map((d) => `${d} s`).join(', ')}
              </span>
            </div>
            <p className="small">{b.keyMessage}</p>
            <p className="muted small">
              {b.lastDraft
                ? `${draftSourceText(b.lastDraft)} · ${formatTime(b.lastDraft.at)}`
                : 'Not drafted yet'}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
