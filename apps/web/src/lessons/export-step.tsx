import { assetSchema } from '@clapboard/shared/api';
import { type Job, jobPageSchema } from '@clapboard/shared/jobs';
import {
  exportLmsPayloadSchema,
  type LessonContent,
  LMS_FORMATS,
  type LmsFormat,
  lmsFormatSchema,
} from '@clapboard/shared/lessons';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { LiveJob } from '../components/live-job';
import { api } from '../lib/api-client';
import { formatBytes, formatTime } from '../lib/format';
import { useCan, useProject } from '../lib/project-context';
import { isCapabilityMissing } from '../lib/submit-job';
import { useJobTypes } from '../lib/use-job-types';
import { submitLessonJob, useJob } from './lesson-job';
import { actionAvailability } from './lesson-readiness';
import { SharePanel } from './share-panel';
import { WhyNot } from './why-not';

/** A job's format param as its label (the raw value when this build does not know it). */
const formatLabel = (format: unknown) => {
  const known = lmsFormatSchema.safeParse(format);
  return known.success ? FORMAT_LABELS[known.data] : String(format);
};
const FORMAT_LABELS: Record<LmsFormat, string> = {
  scorm12: 'SCORM 1.2',
  scorm2004: 'SCORM 2004 (4th edition)',
  cmi5: 'cmi5',
};

/** Download links for every file a job made. */
function Downloads({ job }: { job: Job }) {
  const ids = job.outputs.flatMap((o) => (o.assetId ? [o.assetId] : []));
  const assets = useQueries({
    queries: ids.map((assetId) => ({
      queryKey: ['asset', assetId],
      queryFn: () => api(`/assets/${assetId}`, assetSchema),
      staleTime: 30 * 60_000,
    })),
  });
  if (ids.length === 0) return <p className="muted small">This job made no files.</p>;
  return (
    <ul className="plain small" aria-label="Downloads">
      {assets.map((q, i) =>
        q.data ? (
          <li key={q.data.id}>
            <a href={q.data.urls.content} download={q.data.originalName ?? undefined}>
              Download {q.data.originalName ?? 'package'}
            </a>{' '}
            <span className="muted">({formatBytes(q.data.byteSize)})</span>
          </li>
        ) : (
          <li key={ids[i]} className="muted">
            Loading…
          </li>
        ),
      )}
    </ul>
  );
}

/**
 * Step 6: packages for an LMS (`export.lms`: SCORM 1.2, SCORM 2004 or cmi5; completion at a share
 * of the video watched, and the quiz passed when included), from the final render, with each
 * package's progress and download; and share links. Offered only when a live worker runs
 * `export.lms` (the server's reason shows otherwise).
 */
export function ExportStep(props: { lessonId: string; content: LessonContent; canEdit: boolean }) {
  const { projectId } = useProject();
  const qc = useQueryClient();
  const id = useId();
  const types = useJobTypes();
  const canExport = useCan('jobs:create') && props.canEdit;
  const final = useJob(props.content.finalJobId);
  const finalDone = final.data?.status === 'completed' ? final.data : null;
  const availability = actionAvailability(types.data, 'export.lms');
  const unavailable = availability.state === 'unavailable' ? availability.reason : null;
  const [format, setFormat] = useState<LmsFormat>('scorm12');
  const [completionPercent, setCompletion] = useState(90);
  const [includeQuiz, setIncludeQuiz] = useState(true);
  const exportsKey = ['jobs', projectId, 'export.lms'] as const;
  // Listed only where the server runs the type: this build's list filter knows no other.
  const exports = useQuery({
    queryKey: exportsKey,
    queryFn: () => api(`/projects/${projectId}/jobs?type=export.lms&limit=50`, jobPageSchema),
    enabled: availability.state === 'available',
  });
  const mine = (exports.data?.items ?? []).filter((j) => finalDone && j.params.lessonJobId === finalDone.id);
  const start = useMutation({
    mutationFn: () =>
      submitLessonJob(
        projectId,
        'export.lms',
        exportLmsPayloadSchema.parse({ lessonJobId: finalDone!.id, format, completionPercent, includeQuiz }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: exportsKey }),
    onError: (err) => {
      if (isCapabilityMissing(err)) void types.refetch();
    },
  });
  const blocker = finalDone ? null : 'Render the final video first (step 5); packages are made from it.';
  const why = unavailable ?? blocker;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!why) start.mutate();
  };
  return (
    <div className="lesson-step export-step">
      <form className="form-grid" onSubmit={submit} aria-label="Export for an LMS">
        <label htmlFor={`${id}-format`}>
          Package
          <select id={`${id}-format`} value={format} onChange={(e) => setFormat(e.target.value as LmsFormat)}>
            {LMS_FORMATS.map((f) => (
              <option key={f} value={f}>
                {FORMAT_LABELS[f]}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${id}-completion`}>
          Completed after watching (%)
          <input
            id={`${id}-completion`}
            type="number"
            min={10}
            max={100}
            value={completionPercent}
            onChange={(e) =>
              setCompletion(Math.max(10, Math.min(100, Math.round(Number(e.target.value) || 10))))
            }
          />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={includeQuiz && !!props.content.quiz}
            disabled={!props.content.quiz}
            onChange={(e) => setIncludeQuiz(e.target.checked)}
          />{' '}
          {props.content.quiz
            ? 'Include the quiz (passing it is part of completion)'
            : 'No quiz in this lesson'}
        </label>
        {canExport && (
          <button
            type="submit"
            disabled={!!why || start.isPending}
            aria-describedby={why ? `${id}-why` : undefined}
          >
            Export package
          </button>
        )}
      </form>
      <WhyNot
        id={`${id}-why`}
        unavailable={unavailable}
        blocker={blocker}
        onRecheck={() => void types.refetch()}
        checking={types.isFetching}
        error={start.error}
        failed="Could not start the export."
      />
      <ul className="plain">
        {mine.map((j) => (
          <li key={j.id} className="card inset">
            <strong className="small">
              {formatLabel(j.params.format)} · {formatTime(j.createdAt)}
            </strong>
            <LiveJob job={j} label="Export">
              {(job) => (job.status === 'completed' ? <Downloads job={job} /> : null)}
            </LiveJob>
          </li>
        ))}
      </ul>
      {finalDone ? <SharePanel lessonId={props.lessonId} jobId={finalDone.id} /> : null}
    </div>
  );
}
