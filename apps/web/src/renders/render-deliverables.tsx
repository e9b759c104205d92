import {
  RENDER_DELIVERABLE_KINDS,
  RENDER_DELIVERABLES,
  type RenderDeliverableKind,
} from '@clapboard/shared/deliverables';
import { DELIVERABLE_FPS } from '@clapboard/shared/timecode';
import { useState } from 'react';
import { useProject } from '../lib/project-context';
import { useToasts } from '../lib/toasts';
import { downloadExport } from '../review/download-export';

/** Downloads of a completed render: subtitles and edit decision lists at a chosen timeline rate. */
export function RenderDeliverables({ jobId, fps }: { jobId: string; fps: number | undefined }) {
  const { projectId } = useProject();
  const toasts = useToasts();
  // '' is the render's own rate.
  const [rate, setRate] = useState('');
  const download = (kind: RenderDeliverableKind) => {
    const timed = kind !== 'srt' && kind !== 'vtt' && rate;
    const path = `/projects/${projectId}/renders/${jobId}/export.${kind}${timed ? `?fps=${rate}` : ''}`;
    downloadExport(path, `render.${RENDER_DELIVERABLES[kind].extension}`).catch((err: Error) =>
      toasts.push('error', err.message),
    );
  };
  return (
    <fieldset className="row small render-deliverables">
      <legend className="muted">Download</legend>
      {RENDER_DELIVERABLE_KINDS.map((kind) => (
        <button
          key={kind}
          type="button"
          className="ghost"
          title={RENDER_DELIVERABLES[kind].label}
          onClick={() => download(kind)}
        >
          .{RENDER_DELIVERABLES[kind].extension}
        </button>
      ))}
      <label>
        timeline fps{' '}
        <select value={rate} onChange={(e) => setRate(e.target.value)}>
          <option value="">{fps ? `${fps} (render)` : 'render'}</option>
          {DELIVERABLE_FPS.filter((f) => Number(f) !== fps).map((f) => (
            <option key={f} value={f}>
              {f}
              {f === '29.97' ? ' drop-frame' : ''}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}
