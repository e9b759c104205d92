import { DOC_KEYS } from '@clapboard/shared/document';
import { useState } from 'react';
import { BriefDraftPanel } from '../campaigns/brief-draft-panel';
import { BriefEditor } from '../campaigns/brief-editor';
import { useBriefs } from '../campaigns/use-org';
import { ApiError } from '../lib/api-client';
import { useCan, useProject } from '../lib/project-context';
import { useTextBlank } from '../lib/use-text-blank';

/**
 * The Brief tab: what this campaign project is to say (the brief form) and the storyboard drafted
 * from it into the Script and Storyboard tabs. A project with several briefs picks one; a project
 * outside any campaign is told where briefs come from.
 */
export function BriefTab() {
  const { projectId, connection } = useProject();
  const scriptBlank = useTextBlank(connection.doc.getText(DOC_KEYS.script));
  const canWrite = useCan('briefs:write');
  const canDraft = useCan('document:write') && canWrite;
  const briefs = useBriefs({ projectId });
  const [chosen, setChosen] = useState<string | 'new' | null>(null);
  if (briefs.isPending) return <p className="muted">Loading the brief…</p>;
  if (briefs.error)
    return (
      <p className="error" role="alert">
        {briefs.error instanceof ApiError ? briefs.error.message : 'Could not load the brief.'}
      </p>
    );
  const items = briefs.data.items;
  const brief = chosen === 'new' ? null : (items.find((b) => b.id === chosen) ?? items[0] ?? null);
  return (
    <div className="brief-tab">
      {items.length > 0 && (
        <div className="row wrap">
          {items.length > 1 && (
            <label htmlFor="brief-pick" className="row inline">
              Brief
              <select id="brief-pick" value={brief?.id ?? ''} onChange={(e) => setChosen(e.target.value)}>
                {items.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.title}
                  </option>
                ))}
              </select>
            </label>
          )}
          {canWrite && chosen !== 'new' && (
            <button type="button" className="ghost small" onClick={() => setChosen('new')}>
              Write another brief
            </button>
          )}
        </div>
      )}
      {items.length === 0 && !canWrite && <p className="muted">No brief for this project yet.</p>}
      {(brief || canWrite) && (
        <div className="brief-layout">
          <BriefEditor
            // Not keyed on updatedAt: a colleague's save merges into the form instead of replacing it.
            key={brief ? `editor:${brief.id}` : 'new'}
            projectId={projectId}
            brief={brief}
            canWrite={canWrite}
            onSaved={(b) => setChosen(b.id)}
          />
          {brief && (
            <BriefDraftPanel key={brief.id} brief={brief} canDraft={canDraft} scriptBlank={scriptBlank} />
          )}
        </div>
      )}
    </div>
  );
}
