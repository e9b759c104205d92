import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { jobStore, publishCancel, rootJobId } from '@clapboard/server/jobs';
import { createLogger } from '@clapboard/server/logger';
import { Job, UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleStepFailure } from '../src/jobs/handle-step-failure';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, waitFor } from './support/job-harness';
import { attemptStarts, TEST_DEFINITIONS, testPipelines } from './support/test-pipelines';

const jobRow = (h: JobHarness, id: string) =>
  h.db.sql<
    { status: string; error: string | null; outputs: unknown[]; cost_actual_usd: number }[]
  >`select status, error, outputs, cost_actual_usd from jobs where id = ${id}`.then((r) => r[0]!);

function ffmpegRunning(label: string): boolean {
  try {
    execFileSync('pgrep', ['-f', `out-${label}.mp4`]);
    return true;
  } catch {
    return false;
  }
}

describe('job framework: real queue, worker, Postgres, Socket.IO and FFmpeg', () => {
  let h: JobHarness;
  let worker: ClapboardWorker;

  beforeAll(async () => {
    h = await createJobHarness();
    worker = h.createWorker({
      pipelines: testPipelines(),
      definitions: TEST_DEFINITIONS,
      lockDurationMs: 2_000,
    });
    await worker.ready();
  });
  afterAll(async () => {
    await worker.close();
    await h.close();
  });

  it('a watcher sees progress events in order, then exactly one job:finished', async () => {
    const jobId = await h.enqueue('test.encode', { seconds: 2, realtime: true, label: 'order' });
    const watcher = await h.watch(jobId);
    await waitFor(
      () => watcher.finished.length,
      (n) => n >= 1,
    );
    await new Promise((r) => setTimeout(r, 300)); // any duplicate would arrive by now
    expect(watcher.finished).toHaveLength(1);
    expect(watcher.finished[0]).toMatchObject({ jobId, status: 'completed' });
    expect(watcher.finished[0]!.outputs.map((o) => o.name)).toEqual(
      expect.arrayContaining(['plan', 'video']),
    );
    expect(watcher.progress.length).toBeGreaterThan(2);
    for (let i = 1; i < watcher.progress.length; i++)
      expect(watcher.progress[i]!.progress).toBeGreaterThanOrEqual(watcher.progress[i - 1]!.progress);
    expect(watcher.progress.at(-1)!.progress).toBe(100);
    expect(watcher.progress.some((p) => p.stage === 'encoding' && p.etaSec !== null)).toBe(true);
    const row = await jobRow(h, jobId);
    expect(row.status).toBe('completed');
    expect(Number(row.cost_actual_usd)).toBeGreaterThan(0);
    const ledger = await h.db.sql`select step from cost_ledger where job_id = ${jobId} order by step`;
    expect(ledger.map((l) => l.step)).toEqual(['encode', 'prepare']);
  });

  it('cancel during a running ffmpeg step: ffmpeg gone within 1 s, no partial asset, status cancelled', async () => {
    const jobId = await h.enqueue('test.encode', { seconds: 30, realtime: true, label: 'cancel' });
    const watcher = await h.watch(jobId);
    await waitFor(() => ffmpegRunning('cancel'), Boolean);
    await waitFor(
      () => watcher.progress.filter((p) => p.stage === 'encoding').length,
      (n) => n > 0,
    );
    const partial = await h.db.sql`select id from assets where job_id = ${jobId} and deleted_at is null`;
    expect(partial).toHaveLength(1);

    await jobStore.requestCancel(h.db.sql, jobId);
    const at = Date.now();
    await publishCancel(h.redis, jobId, h.prefix);
    await waitFor(
      () => ffmpegRunning('cancel'),
      (running) => !running,
      2_000,
    );
    expect(Date.now() - at).toBeLessThan(1_000);
    await waitFor(
      () => jobRow(h, jobId),
      (r) => r.status === 'cancelled',
    );
    expect(await h.db.sql`select id from assets where job_id = ${jobId} and deleted_at is null`).toHaveLength(
      0,
    );
    await waitFor(
      () => watcher.finished.length,
      (n) => n === 1,
    );
    expect(watcher.finished[0]).toMatchObject({ jobId, status: 'cancelled' });
    const steps = await h.db.sql`select name, status from job_steps where job_id = ${jobId} order by name`;
    expect(steps).toEqual([
      { name: 'encode', status: 'cancelled' },
      { name: 'prepare', status: 'completed' },
    ]);
  });

  it('transient errors retry with backoff (then three times as long) and the step is charged once', async () => {
    const jobId = await h.enqueue('test.encode', { seconds: 1, failTimes: 2, label: 'retry' });
    await waitFor(
      () => jobRow(h, jobId),
      (r) => r.status === 'completed',
    );
    // The catalog's 200 ms before the second try, 3 × 200 ms before the third (never sooner).
    const [first, second, third] = attemptStarts.get(`${jobId}:1`)!;
    expect(second! - first!).toBeGreaterThanOrEqual(200);
    expect(third! - second!).toBeGreaterThanOrEqual(600);
    const [step] = await h.db.sql<
      { attempts: number }[]
    >`select attempts from job_steps where job_id = ${jobId} and name = 'encode'`;
    expect(step!.attempts).toBe(3);
    expect(
      await h.db.sql`select step from cost_ledger where job_id = ${jobId} and step = 'encode'`,
    ).toHaveLength(1);
  });

  it('bad input fails at once with a human reason, without retrying', async () => {
    const jobId = await h.enqueue('test.encode', { badInput: true, label: 'bad' });
    const row = await waitFor(
      () => jobRow(h, jobId),
      (r) => r.status === 'failed',
    );
    expect(row.error).toBe('encode failed: The input video has no frames.');
    const [step] = await h.db.sql<
      { attempts: number }[]
    >`select attempts from job_steps where job_id = ${jobId} and name = 'encode'`;
    expect(step!.attempts).toBe(1);
  });

  it('a parent failed by its child names the child’s step and reason, also when its handler ends the job', async () => {
    const jobId = await h.enqueue('test.encode', { badInput: true, label: 'parent' });
    await waitFor(
      () => jobRow(h, jobId),
      (r) => r.status === 'failed',
    );
    // BullMQ fails the root (`__finalize`) with "child <key of encode> failed" once a worker takes it.
    const root = await waitFor(
      () => Job.fromId(h.queues.queues.cpu, rootJobId(jobId, 1)),
      (j) => /^child \S+ failed$/.test(j?.failedReason ?? ''),
    );
    // Whichever handler ends the job writes the same sentence: replay the root's own, alone.
    await h.db.sql`update jobs set status = 'running', error = null, finished_at = null where id = ${jobId}`;
    const err = new UnrecoverableError(root!.failedReason);
    await handleStepFailure(root!, err, {
      sql: h.db.sql,
      log: createLogger('test', { level: 'silent' }),
      redis: h.redis,
    });
    const row = await jobRow(h, jobId);
    expect(row.status).toBe('failed');
    expect(row.error).toBe('encode failed: The input video has no frames.');
    // The step's own row says it even when the child's BullMQ hash cannot be read (a CI run once
    // ended a portrait lesson with "voice failed: child … failed" that way).
    const childKey = /^child (\S+) failed$/.exec(root!.failedReason)![1]!;
    await h.redis.del(childKey);
    await h.db.sql`update jobs set status = 'running', error = null, finished_at = null where id = ${jobId}`;
    await handleStepFailure(root!, err, {
      sql: h.db.sql,
      log: createLogger('test', { level: 'silent' }),
      redis: h.redis,
    });
    expect((await jobRow(h, jobId)).error).toBe('encode failed: The input video has no frames.');
  });

  it('a step whose content address exists is reused, not redone', async () => {
    const first = await h.enqueue('test.encode', { seconds: 1, label: 'same' });
    await waitFor(
      () => jobRow(h, first),
      (r) => r.status === 'completed',
    );
    const second = await h.enqueue('test.encode', { seconds: 1, label: 'same' });
    await waitFor(
      () => jobRow(h, second),
      (r) => r.status === 'completed',
    );
    const steps = await h.db.sql`select name, status from job_steps where job_id = ${second} order by name`;
    expect(steps).toEqual([
      { name: 'encode', status: 'completed' },
      { name: 'prepare', status: 'reused' },
    ]);
    // The reused step shows the same outputs as the step it stands for.
    const outputs = await h.db.sql<{ outputs: unknown }[]>`
      select outputs from job_steps where name = 'prepare' and job_id in ${h.db.sql([first, second])} order by job_id = ${second}`;
    expect(outputs[1]!.outputs).toEqual(outputs[0]!.outputs);
    expect(outputs[1]!.outputs).not.toEqual([]);
  });

  it('a worker killed with SIGKILL mid-step: another worker completes the job, one ledger entry per step', async () => {
    // Stop the in-process worker so the child process takes the job.
    await worker.close();
    // node --import tsx runs the worker in this very process (the tsx CLI would fork a grandchild
    // that survives the SIGKILL and keeps working, proving nothing).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, 'support/worker-process.ts')],
      {
        env: {
          ...process.env,
          DATABASE_URL: h.db.url,
          TEST_PREFIX: h.prefix,
          TEST_SOCKET_KEY: h.socketKey,
          TEST_LOCK_MS: '2000',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await waitFor(
      () => out,
      (o) => o.includes('worker-ready'),
      30_000,
    );
    const jobId = await h.enqueue('test.encode', { seconds: 6, realtime: true, label: 'crash' });
    await waitFor(() => ffmpegRunning('crash'), Boolean, 20_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(() => process.kill(child.pid!, 0)).toThrow();
    // Children are tied to their worker (spawnTied: setpriv --pdeathsig): its ffmpeg dies with it.
    for (const until = Date.now() + 2_000; spawnSync('pgrep', ['-f', 'out-crash.mp4']).status === 0; ) {
      if (Date.now() > until) throw new Error('ffmpeg outlived its killed worker');
      await new Promise((r) => setTimeout(r, 50));
    }

    worker = h.createWorker({
      pipelines: testPipelines(),
      definitions: TEST_DEFINITIONS,
      lockDurationMs: 2_000,
    });
    await worker.ready();
    const row = await waitFor(
      () => jobRow(h, jobId),
      (r) => r.status === 'completed',
      60_000,
    );
    expect(row.status).toBe('completed');
    const ledger = await h.db.sql`select step from cost_ledger where job_id = ${jobId} order by step`;
    expect(ledger.map((l) => l.step)).toEqual(['encode', 'prepare']);
    const [prepare] = await h.db.sql<
      { attempts: number }[]
    >`select attempts from job_steps where job_id = ${jobId} and name = 'prepare'`;
    expect(prepare!.attempts).toBe(1); // completed before the crash: not redone
  });
});
