import { z } from 'zod';

/** What every BullMQ job of a Clapboard flow carries (the root and each step). */
export const stepDataSchema = z.object({
  jobId: z.string().uuid(),
  projectId: z.string().uuid(),
  /** Job type; the API only creates catalog types, tests may run their own pipelines. */
  type: z.string().min(1).max(100),
  run: z.number().int().min(1),
  /** Step key within the job, e.g. `probe` or `scene-2/voice`; `__finalize` for the root. */
  step: z.string().min(1).max(200),
  params: z.record(z.string(), z.unknown()),
  /** Extra input for per-item steps (e.g. the scene index). */
  item: z.record(z.string(), z.unknown()).optional(),
  /** The catalog step it runs and its work units (for the measured timings). */
  kind: z.string().min(1).max(100).optional(),
  units: z.number().min(0).optional(),
  /** Expected worker-seconds of this step and of the whole run: its share of the progress bar. */
  weight: z.number().min(0).optional(),
  totalWeight: z.number().min(0).optional(),
});
export type StepData = z.infer<typeof stepDataSchema>;

export const FINALIZE_STEP = '__finalize';

/** BullMQ job id of a step: deterministic, so enqueueing the same run twice is a no-op. */
export function bullJobId(jobId: string, run: number, step: string): string {
  return `${jobId}.${run}.${step.replace(/[^\w.-]/g, '_')}`;
}
