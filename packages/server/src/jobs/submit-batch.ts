import type { JobType } from '@clapboard/shared/jobs';
import { JOB_CATALOG } from '@clapboard/shared/jobs';
import { PERMISSIONS, type Permission } from '@clapboard/shared/permissions';
import type { Role } from '@clapboard/shared/roles';
import type { Sql } from '../db/connect-db';
import { unlimitedFigures } from './budget';
import { flowOfRun } from './flow-plan';
import { announceJob, type JobEmitter } from './job-events';
import { type JobRow, rowToJob } from './job-row';
import { type BatchedInsert, deleteUnqueuedJobs, insertJobBatch } from './job-store';
import { type PlannedJob, planFor } from './plan-for';
import { clearOutboxQuietly, enqueueFailed, type SubmitJobResult, type SubmitQueues } from './submit-job';

/** Most submissions one statement and one `FlowProducer.addBulk` carry. */
export const SUBMIT_BATCH_MAX = 64;
/** Batches in flight at once (each holds one Postgres connection while its statement runs). */
export const SUBMIT_BATCH_IN_FLIGHT = 2;

/** A submission the batch path takes: no idempotency key, no pinned version, parameters parsed. */
export interface BatchedSubmit {
  projectId: string;
  userId: string;
  type: JobType;
  /** Already parsed against `jobPayloadSchemas[type]`. */
  params: Record<string, unknown>;
  priority?: number;
  /** The permission the caller needs on the project (checked by the statement, from PERMISSIONS). */
  permission: Permission;
  /** Payload fields naming assets; each must be a live asset of the project. */
  assets: Array<{ field: string; id: string }>;
}

/** What the batch statement decided for one submission. */
export type BatchedOutcome =
  | { kind: 'queued'; result: SubmitJobResult }
  /** Not a member, or the project is deleted or unknown (the API answers 404). */
  | { kind: 'not-member' }
  | { kind: 'forbidden'; role: Role }
  | { kind: 'missing-asset'; field: string }
  /** The project or its campaign has a budget limit: nothing was written; submit it through `submitJob`. */
  | { kind: 'limited' };

interface Pending {
  input: BatchedSubmit;
  planned: PlannedJob;
  id: string;
  onSpan?: (name: string, ms: number) => void;
  resolve: (o: BatchedOutcome) => void;
  reject: (e: unknown) => void;
}

/**
 * Submissions that need no lock (no idempotency key, no budget limit on the project or its campaign) gathered
 * while the event loop is busy and written together: one statement checks every caller's role and
 * assets, inserts the rows that pass with their audit entries and reads each project's budget
 * sums, then one `FlowProducer.addBulk` queues their flows (atomically: all or none). A lone
 * submission is a batch of one, a tick later than it would otherwise run.
 *
 * The guarantees are submit's: a row is committed before its flow exists, a row whose flow could
 * not be added is deleted again and its caller told nothing was queued, a crash between the two is
 * repaired by the outbox dispatcher. Projects with a limit (their own or their campaign's) are not
 * written here: the caller sends them through `submitJob`, which checks both budgets under their locks.
 */
export function createSubmitBatcher(
  sql: Sql,
  queues: SubmitQueues,
  options: {
    /**
     * Write each submission on its own, in its caller's turn, instead of gathering a batch (the
     * edge entry: a batch would do one request's I/O on another request's connection).
     */
    unbatched?: boolean;
    maxBatch?: number;
    maxInFlight?: number;
    /** Announces each new job (`job:created` to its project's room) before its flow is queued. */
    emitter?: JobEmitter;
  } = {},
) {
  const maxBatch = options.maxBatch ?? SUBMIT_BATCH_MAX;
  const maxInFlight = options.maxInFlight ?? SUBMIT_BATCH_IN_FLIGHT;
  let pending: Pending[] = [];
  let scheduled = false;
  let inFlight = 0;

  const schedule = () => {
    if (scheduled || inFlight >= maxInFlight || pending.length === 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      inFlight++;
      void run(batch).finally(() => {
        inFlight--;
        schedule();
      });
      schedule();
    });
  };

  async function run(batch: Pending[]): Promise<void> {
    let answers: BatchedInsert[];
    const recordStart = performance.now();
    try {
      answers = await insertJobBatch(
        sql,
        batch.map((p) => ({
          id: p.id,
          projectId: p.input.projectId,
          userId: p.input.userId,
          type: p.input.type,
          params: p.input.params,
          priority: p.input.priority ?? JOB_CATALOG[p.input.type].priority,
          estimate: p.planned.estimate,
          roles: PERMISSIONS[p.input.permission],
          assetIds: p.input.assets.map((a) => a.id),
        })),
      );
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const recordMs = performance.now() - recordStart;
    const byId = new Map(answers.map((r) => [r.id, r]));
    const queued: Array<{ p: Pending; row: JobRow; spent: unknown; reserved: number }> = [];
    // Reserved as each job would have seen it submitted one after another: the project's sum
    // before the batch plus its earlier siblings in this batch.
    const siblings = new Map<string, number>();
    for (const p of batch) {
      p.onSpan?.('record', recordMs);
      const r = byId.get(p.id);
      if (!r || r.role === null) p.resolve({ kind: 'not-member' });
      else if (!(PERMISSIONS[p.input.permission] as readonly Role[]).includes(r.role))
        p.resolve({ kind: 'forbidden', role: r.role });
      else if (r.missing?.length) {
        const missing = new Set(r.missing);
        p.resolve({
          kind: 'missing-asset',
          field: p.input.assets.find((a) => missing.has(a.id))?.field ?? 'assetId',
        });
      } else if (r.limited || !r.row) p.resolve({ kind: 'limited' });
      else {
        const before = siblings.get(r.row.project_id) ?? 0;
        siblings.set(r.row.project_id, before + p.planned.estimate.usd);
        queued.push({ p, row: r.row, spent: r.spent, reserved: Number(r.reserved ?? 0) + before });
      }
    }
    if (queued.length === 0) return;
    // As submitJob: the room hears of a job before any worker can report progress on it.
    for (const { row } of queued) announceJob(options.emitter, 'job:created', rowToJob(row));
    const enqueueStart = performance.now();
    try {
      if (queues) await queues.flows.addBulk(queued.map(({ row, p }) => flowOfRun(row, p.planned)));
    } catch (err) {
      const ids = queued.map((q) => q.row.id);
      const failure = enqueueFailed(err);
      await deleteUnqueuedJobs(sql, ids).then(
        () => {
          for (const q of queued) q.p.reject(failure);
        },
        // The rows stay; the outbox dispatcher queues them later, so they are not lost either way.
        () => {
          for (const q of queued) q.p.reject(failure);
        },
      );
      return;
    }
    if (queues)
      await clearOutboxQuietly(
        sql,
        queued.map((q) => q.row),
      );
    const enqueueMs = performance.now() - enqueueStart;
    for (const { p, row, spent, reserved } of queued) {
      p.onSpan?.('enqueue', enqueueMs);
      p.resolve({
        kind: 'queued',
        result: {
          job: rowToJob(row),
          replayed: false,
          figures: unlimitedFigures(p.planned.estimate.usd, spent, reserved),
          warnings: [],
        },
      });
    }
  }

  return {
    /**
     * Plans the job and hands it to the next batch.
     * @throws EnqueueFailedError when its flow could not be queued (its row was removed again)
     */
    async submit(input: BatchedSubmit, onSpan?: (name: string, ms: number) => void): Promise<BatchedOutcome> {
      const t = performance.now();
      const planned = await planFor(sql, input);
      onSpan?.('plan', performance.now() - t);
      return new Promise<BatchedOutcome>((resolve, reject) => {
        const submission = { input, planned, id: crypto.randomUUID(), onSpan, resolve, reject };
        if (options.unbatched) void run([submission]);
        else {
          pending.push(submission);
          schedule();
        }
      });
    },
  };
}
export type SubmitBatcher = ReturnType<typeof createSubmitBatcher>;
