import type { Job, JobProgress } from '@clapboard/shared/jobs';
import { formatUsd } from './format';

// How job rows and progress bars read. Apart from job-estimate.ts on purpose: that one pulls in the
// shared plan and document schemas (zod), and job-progress.tsx, which imports this, is on the
// dashboard's first paint (its StatusBadge).

/** `0.4 s`, `15 s`, `2 min 5 s`: worker time, with a decimal where it matters. */
export function formatWorkSeconds(sec: number): string {
  if (!Number.isFinite(sec) || sec <= 0) return '0 s';
  if (sec < 10) return `${sec.toFixed(1)} s`;
  const s = Math.round(sec);
  if (s < 120) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * "est. $0.0123 · 15 s — actual $0.0098 · 12 s": a job's estimated and measured cost and
 * worker-seconds. Running jobs say "so far"; a queued job has no actual yet.
 */
export function costLine(
  job: Pick<Job, 'status' | 'costEstimateUsd' | 'costActualUsd' | 'estimatedSec' | 'actualSec'>,
): string {
  const est = `est. ${formatUsd(job.costEstimateUsd)} · ${formatWorkSeconds(job.estimatedSec)}`;
  const actual = `${formatUsd(job.costActualUsd)} · ${formatWorkSeconds(job.actualSec)}`;
  if (job.status === 'queued') return est;
  if (job.status === 'running') return job.actualSec > 0 ? `${est} — so far ${actual}` : est;
  return `${est} — actual ${actual}`;
}

/**
 * The percent a job shows: 100 only when it completed; otherwise the reported progress rounded
 * down and held at 99, so no rounding or stray report can claim a finished job.
 */
export function shownPercent(
  job: Pick<Job, 'status'>,
  progress: Pick<JobProgress, 'progress'> | null,
): number {
  if (job.status === 'completed') return 100;
  return Math.max(0, Math.min(99, Math.floor(progress?.progress ?? 0)));
}

/** `scene-1/shot` → `scene 2 shot`; catalog steps (`probe`) as they are. */
export function stepLabel(step: string): string {
  const m = /^scene-(\d+)\/(.+)$/.exec(step);
  return m ? `scene ${Number(m[1]) + 1} ${m[2]}` : step;
}
