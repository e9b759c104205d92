import { jobRoom, projectRoom, type ServerToClientEvents } from '@clapboard/shared/events';
import type { JobProgress } from '@clapboard/shared/jobs';
import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import { DEFAULT_SOCKET_KEY } from './job-events';

/** Progress steps may reach at most this; 100 is sent only by `complete`, when the job has ended. */
export const STEP_PROGRESS_CAP = 99;

/**
 * Adds one step's done work (weight × fraction, never less than before) to the job's total, or,
 * for a reused step, takes its weight out of the job (it did no work), and returns the job's
 * percent (never below what it returned before), elapsed ms since its first report, the done and
 * total work. KEYS[1] the run's hash; ARGV: step, weight, fraction, total, now ms, mode, cap.
 */
const ADVANCE = `
local key = KEYS[1]
local step = ARGV[1]
local w = tonumber(ARGV[2])
local f = tonumber(ARGV[3])
local now = tonumber(ARGV[5])
local cap = tonumber(ARGV[7])
redis.call('HSETNX', key, '__total', ARGV[4])
redis.call('HSETNX', key, '__t0', ARGV[5])
local field = 's:' .. step
if ARGV[6] == 'reuse' then
  if redis.call('HSETNX', key, 'r:' .. step, 1) == 1 then
    local old = tonumber(redis.call('HGET', key, field) or '0')
    if old > 0 then
      redis.call('HINCRBYFLOAT', key, '__done', -old)
      redis.call('HDEL', key, field)
    end
    redis.call('HINCRBYFLOAT', key, '__total', -w)
  end
elseif redis.call('HEXISTS', key, 'r:' .. step) == 0 then
  local new = w * f
  local old = tonumber(redis.call('HGET', key, field) or '0')
  if new > old then
    redis.call('HSET', key, field, new)
    redis.call('HINCRBYFLOAT', key, '__done', new - old)
  end
end
redis.call('PEXPIRE', key, 172800000)
local done = tonumber(redis.call('HGET', key, '__done') or '0')
local total = tonumber(redis.call('HGET', key, '__total') or '0')
local pct = cap
if total > 0.000001 then pct = math.min(cap, done / total * 100) end
local shown = tonumber(redis.call('HGET', key, '__shown') or '0')
if pct < shown then pct = shown end
redis.call('HSET', key, '__shown', tostring(pct))
local t0 = tonumber(redis.call('HGET', key, '__t0'))
return { tostring(pct), tostring(now - t0), tostring(done), tostring(total) }
`;

/**
 * Publishes a Socket.IO message only when its percent is not below the last one published for
 * the run, so what watchers receive never goes backwards, whichever worker sends it.
 * KEYS[1] the run's hash; ARGV: percent, channel, message.
 */
const PUBLISH_IF_NOT_LOWER = `
local last = tonumber(redis.call('HGET', KEYS[1], '__pub') or '-1')
local pct = tonumber(ARGV[1])
if pct < last then return 0 end
redis.call('HSET', KEYS[1], '__pub', ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`;

export interface StepAdvance {
  jobId: string;
  projectId: string;
  run: number;
  step: string;
  /** The step's expected worker-seconds (its share of the job). */
  weight: number;
  /** The job's expected worker-seconds, all steps together. */
  totalWeight: number;
  /** How far the step is, 0–1. */
  fraction: number;
  /** `reuse`: the step's output was reused, it does no work. */
  mode?: 'work' | 'reuse';
  stage: string;
  message: string;
  previewAssetId?: string;
}

export interface ProgressTracker {
  /**
   * Records a step's progress and sends the job's `job:progress` to the job and project rooms when
   * it is not below what watchers last got. Progress is the weighted fraction of the job's
   * expected work done, at most 99 until `complete`; the ETA comes from the throughput observed
   * since the job's first report.
   *
   * @returns the event (sent or not; `sent` says which)
   */
  advance(update: StepAdvance): Promise<{ event: JobProgress; sent: boolean }>;
  /** Sends the final 100 % event of a completed run (before `job:finished`). */
  complete(jobId: string, projectId: string, run: number): Promise<JobProgress>;
}

/**
 * The job service's progress arithmetic, in Redis so every worker of a job adds to one total:
 * one hash per run (`<prefix>:progress:<job>:<run>`, kept two days), updated by a Lua script.
 *
 * @param prefix the deployment's BullMQ prefix (keys sit beside its queues)
 * @param socketKey the Socket.IO adapter key the realtime servers listen on
 */
export function createProgressTracker(
  redis: Redis,
  prefix: string | undefined,
  socketKey = DEFAULT_SOCKET_KEY,
): ProgressTracker {
  const keyOf = (jobId: string, run: number) => `${prefix ?? 'bull'}:progress:${jobId}:${run}`;
  // The real emitter encodes the message; it is published by the script, atomically with the check.
  let captured: { channel: string; message: Buffer } | null = null;
  const encoder = new Emitter<ServerToClientEvents>(
    {
      publish: (channel: string, message: Buffer) => {
        captured = { channel, message };
      },
    },
    { key: socketKey },
  );
  const publish = async (jobId: string, projectId: string, run: number, event: JobProgress) => {
    captured = null;
    encoder.to([jobRoom(jobId), projectRoom(projectId)]).emit('job:progress', event);
    const msg = captured as { channel: string; message: Buffer } | null;
    if (!msg) throw new Error('the Socket.IO emitter produced no message');
    const sent = await redis.eval(
      PUBLISH_IF_NOT_LOWER,
      1,
      keyOf(jobId, run),
      String(event.progress),
      msg.channel,
      msg.message,
    );
    return sent === 1;
  };

  return {
    async advance(u) {
      const fraction = Math.max(0, Math.min(1, u.fraction));
      const [pctRaw, elapsedRaw, doneRaw, totalRaw] = (await redis.eval(
        ADVANCE,
        1,
        keyOf(u.jobId, u.run),
        u.step,
        String(Math.max(0, u.weight)),
        String(fraction),
        String(Math.max(0, u.totalWeight)),
        String(Date.now()),
        u.mode ?? 'work',
        String(STEP_PROGRESS_CAP),
      )) as string[];
      const pct = Math.floor(Number(pctRaw) * 10) / 10;
      const elapsedSec = Number(elapsedRaw) / 1000;
      const done = Number(doneRaw);
      const total = Number(totalRaw);
      // Observed throughput (work per wall second) over the remaining work; none until it means something.
      const etaSec =
        done > 0 && total > done && elapsedSec > 0.5 && done / total > 0.02
          ? Math.round(((total - done) / done) * elapsedSec)
          : done >= total && total > 0
            ? 0
            : null;
      const event: JobProgress = {
        jobId: u.jobId,
        stage: u.stage.slice(0, 100),
        progress: pct,
        etaSec,
        message: u.message.slice(0, 500),
        step: u.step.slice(0, 100),
        run: u.run,
        stepProgress: Math.round(fraction * 1000) / 10,
        ...(u.previewAssetId ? { previewAssetId: u.previewAssetId } : {}),
      };
      return { event, sent: await publish(u.jobId, u.projectId, u.run, event) };
    },
    async complete(jobId, projectId, run) {
      const event: JobProgress = {
        jobId,
        stage: 'completed',
        progress: 100,
        etaSec: 0,
        message: 'Done',
        run,
      };
      await publish(jobId, projectId, run, event);
      return event;
    },
  };
}
