import { LECTURE_LIMITS, type Lecture, TRANSCRIBERS } from '@clapboard/shared/highlights';
import type { Job, JobDetail } from '@clapboard/shared/jobs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { JobProgress } from '../components/job-progress';
import { UnavailableNote } from '../components/unavailable-note';
import { ApiError } from '../lib/api-client';
import { stepLabel } from '../lib/job-display';
import { useCan, useProject } from '../lib/project-context';
import { isCapabilityMissing, submitJob } from '../lib/submit-job';
import { useJobWatch } from '../lib/use-job-watch';
import { useJobDetail } from './job-detail';
import { useLectureJobType } from './lecture-jobs';
import { lectureResultsKey } from './use-lecture-results';
import { lecturesKey } from './use-lectures';

const TRANSCRIBER_LABELS: Record<(typeof TRANSCRIBERS)[number], string> = {
  local: 'Local (PocketSphinx, offline)',
  provider: 'Transcription provider (configured on the worker)',
};

/** Each stage of the analysis with its own state: the catalog's steps, filled in as they run. */
function Stages({ detail, planned, live }: { detail: JobDetail; planned: string[]; live: Job['progress'] }) {
  const names = planned.length ? planned : detail.steps.map((s) => s.name);
  return (
    <ol className="analysis-stages">
      {names.map((name) => {
        const step = detail.steps.find((s) => s.name === name);
        const running = live?.step === name && detail.status === 'running';
        const pct =
          step?.status === 'completed' || step?.status === 'reused'
            ? 100
            : Math.floor(running ? (live?.stepProgress ?? step?.progress ?? 0) : (step?.progress ?? 0));
        const status = running ? 'running' : (step?.status ?? 'waiting');
        return (
          <li key={name} data-step={name} data-status={status}>
            <span>{stepLabel(name)}</span>
            <progress max={100} value={pct} aria-label={`${stepLabel(name)} progress`} />
            <span className="small muted">
              {status} {status === 'running' ? `${pct}%` : ''}
              {step?.error ? ` — ${step.error}` : ''}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** The newest analysis followed live: the whole job's bar with ETA, and each stage's. */
function LiveAnalysis({
  detail,
  planned,
  lectureId,
}: {
  detail: JobDetail;
  planned: string[];
  lectureId: string;
}) {
  const { socket } = useProject();
  const qc = useQueryClient();
  const watched = useJobWatch(socket, detail, () => {
    void qc.invalidateQueries({ queryKey: lectureResultsKey(lectureId) });
    void qc.invalidateQueries({ queryKey: ['job', detail.id, 'detail'] });
  });
  return (
    <div className="analysis-job" data-job-id={detail.id} data-status={watched.job.status}>
      <JobProgress watched={watched} label="Analysis" />
      <Stages detail={detail} planned={planned} live={watched.progress} />
    </div>
  );
}

/**
 * Start the analysis of a lecture (a `highlights.extract` job) with its options, offered only when
 * a worker runs it (else the reason), and the newest analysis' progress per stage with its ETA.
 */
export function AnalysisPanel({ lecture }: { lecture: Lecture }) {
  const { projectId, socket } = useProject();
  const qc = useQueryClient();
  const canRun = useCan('jobs:create');
  const { info, availability, recheck, checking } = useLectureJobType('highlights.extract');
  const detail = useJobDetail(lecture.analysisJobId, socket);
  const [transcriber, setTranscriber] = useState<(typeof TRANSCRIBERS)[number]>('local');
  const [minClipSec, setMin] = useState(20);
  const [maxClipSec, setMax] = useState(90);
  const [llm, setLlm] = useState(false);
  const start = useMutation({
    mutationFn: () =>
      submitJob(projectId, 'highlights.extract', {
        lectureId: lecture.id,
        transcriber,
        minClipSec,
        maxClipSec,
        llm,
      }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: lecturesKey(projectId) }),
    onError: (err) => {
      if (isCapabilityMissing(err)) recheck();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate();
  };
  const running = detail.data?.status === 'queued' || detail.data?.status === 'running';
  const bad = minClipSec >= maxClipSec;
  return (
    <section className="card analysis-panel" aria-labelledby="analysis-title">
      <h3 id="analysis-title">Analysis</h3>
      {canRun && (
        <form className="row wrap" onSubmit={submit}>
          <label>
            Transcriber
            <select
              value={transcriber}
              onChange={(e) => setTranscriber(e.target.value as typeof transcriber)}
            >
              {TRANSCRIBERS.map((t) => (
                <option key={t} value={t}>
                  {TRANSCRIBER_LABELS[t]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Shortest clip (s)
            <input
              type="number"
              min={LECTURE_LIMITS.minClipSec}
              max={LECTURE_LIMITS.maxClipSec}
              value={minClipSec}
              onChange={(e) => setMin(Number(e.target.value))}
            />
          </label>
          <label>
            Longest clip (s)
            <input
              type="number"
              min={LECTURE_LIMITS.minClipSec}
              max={LECTURE_LIMITS.maxClipSec}
              value={maxClipSec}
              onChange={(e) => setMax(Number(e.target.value))}
            />
          </label>
          <label className="row">
            <input type="checkbox" checked={llm} onChange={(e) => setLlm(e.target.checked)} /> Ask the LLM too
          </label>
          <button
            type="submit"
            disabled={availability.state !== 'available' || start.isPending || running || bad}
            aria-describedby={availability.state === 'unavailable' ? 'analysis-unavailable' : undefined}
          >
            {lecture.analysisJobId ? 'Analyse again' : 'Analyse'}
          </button>
        </form>
      )}
      {bad && <p className="error small">The shortest clip must be shorter than the longest.</p>}
      {availability.state === 'unavailable' && (
        <UnavailableNote
          id="analysis-unavailable"
          reason={availability.reason}
          onRecheck={recheck}
          checking={checking}
        />
      )}
      {start.error && (
        <p className="error small" role="alert">
          {start.error instanceof ApiError ? start.error.message : 'Could not start the analysis.'}
        </p>
      )}
      {detail.data ? (
        <LiveAnalysis
          key={detail.data.id}
          detail={detail.data}
          planned={Object.keys(info?.work ?? {})}
          lectureId={lecture.id}
        />
      ) : (
        !lecture.analysisJobId && <p className="muted small">Not analysed yet.</p>
      )}
    </section>
  );
}
