import {
  CLIP_ASPECTS,
  CLIP_LAYOUTS,
  type HighlightsClipsPayload,
  type Lecture,
} from '@clapboard/shared/highlights';
import type { Job } from '@clapboard/shared/jobs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { JobProgress } from '../components/job-progress';
import { UnavailableNote } from '../components/unavailable-note';
import { ApiError } from '../lib/api-client';
import { useCan, useProject } from '../lib/project-context';
import { isCapabilityMissing, submitJob } from '../lib/submit-job';
import { useJobWatch } from '../lib/use-job-watch';
import { useLectureJobType } from './lecture-jobs';
import { lectureResultsKey } from './use-lecture-results';

const LAYOUT_LABELS: Record<(typeof CLIP_LAYOUTS)[number], string> = {
  speaker: 'Speaker focus (face-tracked crop)',
  split: 'Split (slide above speaker)',
  slide: 'Slide',
};

function RenderJob({ job, lectureId }: { job: Job; lectureId: string }) {
  const { socket } = useProject();
  const qc = useQueryClient();
  const watched = useJobWatch(
    socket,
    job,
    () => void qc.invalidateQueries({ queryKey: lectureResultsKey(lectureId) }),
  );
  return <JobProgress watched={watched} label="Clip render" />;
}

/**
 * "Render clips": the team's picks (with their trims) as a `highlights.clips` job, in the chosen
 * aspects and layout, offered only when a worker runs it (else the reason).
 */
export function RenderPanel(props: {
  lecture: Lecture;
  analysisJobId: string | null;
  clips: HighlightsClipsPayload['clips'];
}) {
  const { projectId } = useProject();
  const canRun = useCan('jobs:create');
  const { availability, recheck, checking } = useLectureJobType('highlights.clips');
  const [aspects, setAspects] = useState<Array<(typeof CLIP_ASPECTS)[number]>>(['9:16']);
  const [layout, setLayout] = useState<(typeof CLIP_LAYOUTS)[number]>('speaker');
  const [burnCaptions, setBurn] = useState(true);
  const [job, setJob] = useState<Job | null>(null);
  const render = useMutation({
    mutationFn: () =>
      submitJob(projectId, 'highlights.clips', {
        lectureId: props.lecture.id,
        analysisJobId: props.analysisJobId,
        clips: props.clips,
        aspects,
        layout,
        burnCaptions,
      }),
    onSuccess: (r) => setJob(r.job),
    onError: (err) => {
      if (isCapabilityMissing(err)) recheck();
    },
  });
  if (!canRun) return null;
  return (
    <section className="card render-panel" aria-labelledby="render-title">
      <h3 id="render-title">Render clips</h3>
      <div className="row wrap">
        <fieldset className="row">
          <legend className="small">Aspects</legend>
          {CLIP_ASPECTS.map((a) => (
            <label key={a} className="row">
              <input
                type="checkbox"
                checked={aspects.includes(a)}
                onChange={(e) => setAspects((s) => (e.target.checked ? [...s, a] : s.filter((x) => x !== a)))}
              />
              {a}
            </label>
          ))}
        </fieldset>
        <label>
          Layout
          <select value={layout} onChange={(e) => setLayout(e.target.value as typeof layout)}>
            {CLIP_LAYOUTS.map((l) => (
              <option key={l} value={l}>
                {LAYOUT_LABELS[l]}
              </option>
            ))}
          </select>
        </label>
        <label className="row">
          <input type="checkbox" checked={burnCaptions} onChange={(e) => setBurn(e.target.checked)} /> Burn in
          captions
        </label>
        <button
          type="button"
          onClick={() => render.mutate()}
          disabled={
            availability.state !== 'available' ||
            !props.clips.length ||
            !aspects.length ||
            !props.analysisJobId ||
            render.isPending
          }
          aria-describedby={availability.state === 'unavailable' ? 'render-unavailable' : undefined}
        >
          Render {props.clips.length} clip{props.clips.length === 1 ? '' : 's'}
        </button>
      </div>
      {!props.clips.length && <p className="muted small">Pick candidates below to render them.</p>}
      {availability.state === 'unavailable' && (
        <UnavailableNote
          id="render-unavailable"
          reason={availability.reason}
          onRecheck={recheck}
          checking={checking}
        />
      )}
      {render.error && (
        <p className="error small" role="alert">
          {render.error instanceof ApiError ? render.error.message : 'Could not start the render.'}
        </p>
      )}
      {job && <RenderJob key={job.id} job={job} lectureId={props.lecture.id} />}
    </section>
  );
}
