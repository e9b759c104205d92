import {
  SCRIPT_DELIVERABLE_KINDS,
  SCRIPT_DELIVERABLE_LABELS,
  type ScriptDeliverableKind,
  STORYBOARD_FRAMES_PER_PAGE,
} from '@clapboard/shared/script-deliverables';
import { versionListSchema } from '@clapboard/shared/versions';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { deliverablePath } from '../deliverables/deliverable-path';
import { api } from '../lib/api-client';
import { useProject } from '../lib/project-context';
import { useToasts } from '../lib/toasts';
import { downloadExport } from '../review/download-export';

const FILE_NAMES: Record<ScriptDeliverableKind | 'handover.zip', string> = {
  fountain: 'script.fountain',
  fdx: 'script.fdx',
  'screenplay.pdf': 'screenplay.pdf',
  'storyboard.pdf': 'storyboard.pdf',
  'shotlist.csv': 'shotlist.csv',
  'handover.zip': 'handover.zip',
};

/**
 * Deliverables: pick a version (the current state or a named version), then download the script
 * (Fountain, FDX, screenplay PDF), the storyboard PDF, the shot list or the whole handover zip.
 * Every file is made from that one version and stamped with its id. Render-based files (subtitles,
 * edit decision lists) are listed per render in the Renders tab.
 */
export function DeliverablesTab() {
  const { projectId } = useProject();
  const toasts = useToasts();
  const [version, setVersion] = useState('current');
  const [perPage, setPerPage] = useState<number>(STORYBOARD_FRAMES_PER_PAGE.default);
  const [busy, setBusy] = useState<string | null>(null);
  const versions = useQuery({
    queryKey: ['versions', projectId],
    queryFn: () => api(`/projects/${projectId}/versions`, versionListSchema).then((r) => r.items),
  });
  const download = (kind: ScriptDeliverableKind | 'handover.zip') => {
    setBusy(kind);
    downloadExport(deliverablePath(projectId, kind, { version, perPage }), FILE_NAMES[kind])
      .catch((err: Error) => toasts.push('error', err.message))
      .finally(() => setBusy(null));
  };
  return (
    <div className="deliverables">
      <h2>Deliverables</h2>
      <p className="muted small">
        Every file is made from one version of the script and storyboard and carries its id, so edits made
        meanwhile never slip in.
      </p>
      <div className="row wrap">
        <label>
          Version{' '}
          <select value={version} onChange={(e) => setVersion(e.target.value)} aria-label="Version">
            <option value="current">Current (snapshot when you download)</option>
            {(versions.data ?? []).map((v) => (
              <option key={v.id} value={v.id}>
                {v.name} · {new Date(v.createdAt).toLocaleString()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Storyboard frames per page{' '}
          <select
            value={perPage}
            onChange={(e) => setPerPage(Number(e.target.value))}
            aria-label="Frames per page"
          >
            {Array.from(
              { length: STORYBOARD_FRAMES_PER_PAGE.max - STORYBOARD_FRAMES_PER_PAGE.min + 1 },
              (_, i) => i + STORYBOARD_FRAMES_PER_PAGE.min,
            ).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      {versions.isError && <p className="error">Could not list the named versions.</p>}
      <ul className="deliverable-list">
        {SCRIPT_DELIVERABLE_KINDS.map((kind) => (
          <li key={kind} className="row spread">
            <span>{SCRIPT_DELIVERABLE_LABELS[kind]}</span>
            <button type="button" className="ghost" disabled={busy !== null} onClick={() => download(kind)}>
              {busy === kind ? 'Preparing…' : 'Download'}
            </button>
          </li>
        ))}
        <li className="row spread">
          <strong>Handover bundle (zip of all of the above, with checksums)</strong>
          <button type="button" disabled={busy !== null} onClick={() => download('handover.zip')}>
            {busy === 'handover.zip' ? 'Preparing…' : 'Download zip'}
          </button>
        </li>
      </ul>
      <p className="muted small">
        For a named version, the bundle also carries the subtitles and edit decision lists (EDL, OTIO, FCPXML)
        of the newest finished render made from it. Each render&apos;s own files are in the Renders tab.
      </p>
    </div>
  );
}
