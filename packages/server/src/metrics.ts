import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { QUEUE_NAMES } from '@clapboard/shared/jobs';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Redis } from './redis';
import { bullBacklogKeys } from './redis-keys';

export type { Registry };

/**
 * Prometheus metrics of every Clapboard service, defined once: dashboards (infra/grafana) and
 * alert rules (infra/prometheus) use these names, and infra/observability.test.ts checks that each
 * name they use is one of `METRIC_NAMES`.
 */
export const METRIC_NAMES = {
  httpDuration: 'clapboard_http_request_duration_seconds',
  httpRequests: 'clapboard_http_requests_total',
  realtimeDocumentsOpen: 'clapboard_realtime_documents_open',
  realtimeConnections: 'clapboard_realtime_connections',
  realtimeUpdates: 'clapboard_realtime_updates_accepted_total',
  realtimeDurableLag: 'clapboard_realtime_durable_lag_seconds',
  realtimePersistErrors: 'clapboard_realtime_persist_errors_total',
  realtimeRelayedStored: 'clapboard_realtime_relayed_updates_stored_total',
  realtimeAlreadyStored: 'clapboard_realtime_updates_already_stored_total',
  jobStepDuration: 'clapboard_job_step_duration_seconds',
  jobSteps: 'clapboard_job_steps_total',
  queueWaiting: 'clapboard_queue_waiting_jobs',
  workerCost: 'clapboard_worker_cost_usd_total',
} as const;

/** Seconds buckets for request and step timings (5 ms .. 10 min). */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DURABLE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const STEP_BUCKETS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600];

/**
 * The metric `name` already in `registry`, or the one `make` builds: a service that builds its
 * workers or servers again (a restart in tests) keeps counting into the same series.
 */
function reuse<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** One service's registry: default process/Node metrics plus what the service adds. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The API's request metrics. `route` is the matched route pattern, never the raw path. */
export function httpMetrics(registry: Registry) {
  const duration = reuse(
    registry,
    METRIC_NAMES.httpDuration,
    () =>
      new Histogram({
        name: METRIC_NAMES.httpDuration,
        help: 'HTTP request time by route pattern, method and status class.',
        labelNames: ['method', 'route', 'status'] as const,
        buckets: HTTP_BUCKETS,
        registers: [registry],
      }),
  );
  const requests = reuse(
    registry,
    METRIC_NAMES.httpRequests,
    () =>
      new Counter({
        name: METRIC_NAMES.httpRequests,
        help: 'HTTP requests by route pattern, method and status class.',
        labelNames: ['method', 'route', 'status'] as const,
        registers: [registry],
      }),
  );
  return {
    observe(method: string, route: string, status: number, seconds: number) {
      const labels = { method, route, status: `${Math.floor(status / 100)}xx` };
      duration.observe(labels, seconds);
      requests.inc(labels);
    },
  };
}

/** What the realtime server reports: live figures are read when scraped, lag is observed. */
export function realtimeMetrics(
  registry: Registry,
  live: () => {
    documents: number;
    /** Open document (Yjs WebSocket) connections. */
    connections: number;
    /** Open Socket.IO connections (job and project rooms). */
    socketConnections: number;
    updatesAccepted: number;
    persistErrors: number;
    relayedUpdatesStored: number;
    updatesAlreadyStored: number;
  },
) {
  new Gauge({
    name: METRIC_NAMES.realtimeDocumentsOpen,
    help: 'Documents loaded in this instance.',
    registers: [registry],
    collect() {
      this.set(live().documents);
    },
  });
  new Gauge({
    name: METRIC_NAMES.realtimeConnections,
    help: 'Open document (Yjs) and Socket.IO connections.',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      const now = live();
      this.set({ kind: 'document' }, now.connections);
      this.set({ kind: 'socket' }, now.socketConnections);
    },
  });
  const counterFrom = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counterFrom(
    METRIC_NAMES.realtimeUpdates,
    'Document updates accepted from writers.',
    () => live().updatesAccepted,
  );
  counterFrom(
    METRIC_NAMES.realtimePersistErrors,
    'Failed batch inserts of document updates (retried).',
    () => live().persistErrors,
  );
  counterFrom(
    METRIC_NAMES.realtimeRelayedStored,
    'Updates relayed from another instance that this instance stored too (idempotent per update hash).',
    () => live().relayedUpdatesStored,
  );
  counterFrom(
    METRIC_NAMES.realtimeAlreadyStored,
    'Updates skipped on insert because another instance had stored the same bytes.',
    () => live().updatesAlreadyStored,
  );
  const lag = reuse(
    registry,
    METRIC_NAMES.realtimeDurableLag,
    () =>
      new Histogram({
        name: METRIC_NAMES.realtimeDurableLag,
        help: 'Time from a document update being accepted to its row committed in Postgres.',
        buckets: DURABLE_BUCKETS,
        registers: [registry],
      }),
  );
  return {
    /** Accepted-to-committed time of one update, in milliseconds. */
    observeDurableMs: (ms: number) => lag.observe(ms / 1000),
  };
}

/**
 * `clapboard_queue_waiting_jobs{queue}`: jobs waiting for a worker in each BullMQ queue (wait list
 * plus prioritized set), read from Redis when scraped. The API exports it too, so a pool scaled to
 * zero still has a source to scale up from.
 */
export function queueBacklogMetrics(registry: Registry, redis: Redis, queuePrefix: string): void {
  reuse(
    registry,
    METRIC_NAMES.queueWaiting,
    () =>
      new Gauge({
        name: METRIC_NAMES.queueWaiting,
        help: 'Jobs waiting for a worker per queue (BullMQ wait list + prioritized set).',
        labelNames: ['queue'] as const,
        registers: [registry],
        async collect() {
          for (const queue of Object.values(QUEUE_NAMES)) {
            const keys = bullBacklogKeys(queuePrefix, queue);
            const [wait, prioritized] = await Promise.all([
              redis.llen(keys.wait),
              redis.zcard(keys.prioritized),
            ]);
            this.set({ queue }, wait + prioritized);
          }
        },
      }),
  );
}

/** What a worker reports: step timings and outcomes, and what its work costs. */
export function workerMetrics(registry: Registry) {
  const duration = reuse(
    registry,
    METRIC_NAMES.jobStepDuration,
    () =>
      new Histogram({
        name: METRIC_NAMES.jobStepDuration,
        help: 'Time one job step ran, by job type, step and outcome.',
        labelNames: ['type', 'step', 'queue', 'outcome'] as const,
        buckets: STEP_BUCKETS,
        registers: [registry],
      }),
  );
  const steps = reuse(
    registry,
    METRIC_NAMES.jobSteps,
    () =>
      new Counter({
        name: METRIC_NAMES.jobSteps,
        help: 'Job steps finished, by job type, queue and outcome (completed or failed).',
        labelNames: ['type', 'queue', 'outcome'] as const,
        registers: [registry],
      }),
  );
  const cost = reuse(
    registry,
    METRIC_NAMES.workerCost,
    () =>
      new Counter({
        name: METRIC_NAMES.workerCost,
        help: 'Cost charged for steps this worker ran, in USD (rate x 3600 = cost per hour).',
        labelNames: ['queue'] as const,
        registers: [registry],
      }),
  );
  return {
    step(s: {
      type: string;
      step: string;
      queue: string;
      outcome: 'completed' | 'failed';
      seconds: number;
      costUsd: number;
    }) {
      duration.observe({ type: s.type, step: s.step, queue: s.queue, outcome: s.outcome }, s.seconds);
      steps.inc({ type: s.type, queue: s.queue, outcome: s.outcome });
      if (s.costUsd > 0) cost.inc({ queue: s.queue }, s.costUsd);
    },
  };
}

/**
 * Whether a scrape may read `/metrics`: always when no token is configured (the port is then
 * expected to be reachable only inside the cluster), else only with `Authorization: Bearer <token>`.
 */
export function metricsAuthorized(authorization: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(authorization ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * Serves `/metrics` on a Node HTTP server; returns false for other paths so the caller goes on.
 * 401 without the configured bearer token.
 */
export async function handleMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  registry: Registry,
  token: string | undefined,
): Promise<boolean> {
  if ((req.url ?? '/').split('?')[0] !== '/metrics') return false;
  if (!metricsAuthorized(req.headers.authorization, token)) {
    res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
    res.end('metrics token required\n');
    return true;
  }
  const body = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType });
  res.end(body);
  return true;
}
