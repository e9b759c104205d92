import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@clapboard/server/logger';
import { createMetricsRegistry } from '@clapboard/server/metrics';
import { QUEUE_NAMES } from '@clapboard/shared/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthServer } from '../src/http/health-server';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, waitFor } from './support/job-harness';
import { TEST_DEFINITIONS, testPipelines } from './support/test-pipelines';

/** The value of the first sample of `name` whose line carries every label given. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('worker /metrics: a real job through a real queue, worker, Postgres and FFmpeg', () => {
  let h: JobHarness;
  let worker: ClapboardWorker | undefined;
  let server: Server;
  let base: string;
  const registry = createMetricsRegistry('worker');
  const token = 'worker-metrics-token-0123';

  beforeAll(async () => {
    h = await createJobHarness();
    server = createHealthServer({
      sql: h.db.sql,
      redis: h.redis,
      report: () => ({}),
      metrics: () => registry.metrics(),
      metricsToken: token,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await worker?.close();
    await h.close();
  });

  const scrape = async () => {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('counts the backlog a job makes, then its steps, durations and cost once a worker ran it', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    worker = h.createWorker({
      pipelines: testPipelines(),
      definitions: TEST_DEFINITIONS,
      metricsRegistry: registry,
      queues: ['gpu'],
    });
    await worker.ready();
    // A cpu job with only a gpu worker listening: it waits (prioritized, as every Clapboard job).
    const queue = QUEUE_NAMES.cpu;
    const first = await h.enqueue('test.encode', { seconds: 1, label: 'metrics' });
    const backlog = await waitFor(
      scrape,
      (t) => (sample(t, 'clapboard_queue_waiting_jobs', { queue }) ?? 0) >= 1,
    );
    expect(sample(backlog, 'clapboard_queue_waiting_jobs', { queue: QUEUE_NAMES.gpu })).toBe(0);
    await worker.close();

    const lines: Record<string, unknown>[] = [];
    const log = createLogger('worker', {
      destination: { write: (chunk: string) => void lines.push(JSON.parse(chunk)) },
    });
    worker = h.createWorker({
      pipelines: testPipelines(),
      definitions: TEST_DEFINITIONS,
      metricsRegistry: registry,
      log,
    });
    await worker.ready();
    await waitFor(
      async () => (await h.db.sql`select status from jobs where id = ${first}`)[0]?.status,
      (s) => s === 'completed',
    );
    const after = await waitFor(
      scrape,
      (t) =>
        (sample(t, 'clapboard_job_steps_total', { type: 'test.encode', outcome: 'completed' }) ?? 0) >= 2,
    );
    expect(sample(after, 'clapboard_queue_waiting_jobs', { queue })).toBe(0);
    expect(
      sample(after, 'clapboard_job_step_duration_seconds_count', { type: 'test.encode', step: 'encode' }),
    ).toBe(1);
    expect(sample(after, 'clapboard_worker_cost_usd_total', { queue })).toBeGreaterThan(0);
    // The worker's log lines about a step carry the job id.
    expect(lines.filter((l) => l.msg === 'step completed')).toEqual(
      expect.arrayContaining([expect.objectContaining({ service: 'worker', jobId: first, step: 'encode' })]),
    );
  });
});
