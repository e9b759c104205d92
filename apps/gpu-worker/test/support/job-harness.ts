import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sql } from '@clapboard/server/db';
import {
  buildFlow,
  createJobQueues,
  type JobQueues,
  jobInputsOf,
  jobStore,
  submitJob,
} from '@clapboard/server/jobs';
import { createLogger } from '@clapboard/server/logger';
import { createRedis, type Redis } from '@clapboard/server/redis';
import { createTestDatabase, type TestDatabase, testPrefix, testServices } from '@clapboard/server/testing';
import { jobRoom } from '@clapboard/shared/events';
import { estimatePlan, sequentialPlan } from '@clapboard/shared/job-plan';
import {
  JOB_CATALOG,
  type JobFinished,
  type JobProgress,
  type JobType,
  jobFinishedSchema,
  jobPayloadSchemas,
  jobProgressSchema,
} from '@clapboard/shared/jobs';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { type ClapboardWorker, createWorker, type WorkerDeps } from '../../src/worker';
import { TEST_DEFINITIONS } from './test-pipelines';

/**
 * Real Postgres (fresh database), real Redis (own BullMQ prefix and Socket.IO key), a real
 * Socket.IO server on the Redis adapter whose clients join job rooms, and the producer queues.
 */
export interface JobHarness {
  db: TestDatabase;
  redis: Redis;
  queues: JobQueues;
  prefix: string;
  socketKey: string;
  projectId: string;
  userId: string;
  /** Inserts a job row and enqueues its flow, as the API does. */
  enqueue(type: string, params: Record<string, unknown>): Promise<string>;
  /**
   * A worker on this harness's Redis prefix, Socket.IO key and database, logging nothing; the
   * options say what it runs. Call `ready()` before enqueueing.
   */
  createWorker(options: Partial<WorkerDeps>): ClapboardWorker;
  /** A Socket.IO client in the job's room, recording what it hears. */
  watch(jobId: string): Promise<{ progress: JobProgress[]; finished: JobFinished[]; socket: Socket }>;
  close(): Promise<void>;
}

export async function createJobHarness(): Promise<JobHarness> {
  const { databaseUrl, redisUrl } = testServices(process.env);
  const db = await createTestDatabase(databaseUrl);
  const redis = createRedis(redisUrl);
  const prefix = testPrefix('jobs');
  const socketKey = `${prefix}:sio`;
  const queues = createJobQueues(redis, prefix);
  const [user] = await db.sql<
    { id: string }[]
  >`insert into users (email, name, password_hash) values ('w@test.co', 'W', 'x') returning id`;
  const [project] = await db.sql<{ id: string }[]>`insert into projects (name) values ('Jobs') returning id`;
  await db.sql`insert into project_members (project_id, user_id, role) values (${project!.id}, ${user!.id}, 'owner')`;

  const http: HttpServer = createServer();
  const pub = redis.duplicate();
  const sub = redis.duplicate();
  const io = new Server(http, { adapter: createAdapter(pub, sub, { key: socketKey }) });
  io.on('connection', (socket) => {
    socket.on('watch', (jobId: string, ack: () => void) => {
      void socket.join(jobRoom(jobId));
      ack();
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const sockets: Socket[] = [];

  return {
    db,
    redis,
    queues,
    prefix,
    socketKey,
    projectId: project!.id,
    userId: user!.id,
    async enqueue(type, params) {
      const def = TEST_DEFINITIONS[type] ?? JOB_CATALOG[type as JobType];
      const plan = sequentialPlan(def.steps);
      const estimate = estimatePlan(type, plan, { definition: def });
      const row = await jobStore.insertJob(db.sql as Sql, {
        projectId: project!.id,
        userId: user!.id,
        type,
        params,
        priority: def.priority,
        estimate,
      });
      await queues.flows.add(
        buildFlow({
          jobId: row.id,
          projectId: project!.id,
          type,
          run: 1,
          params,
          priority: def.priority,
          definition: def,
          plan,
          estimate,
        }),
      );
      return row.id;
    },
    createWorker(options) {
      return createWorker({
        redis,
        sql: db.sql,
        log: createLogger('test-worker', { level: 'silent' }),
        queues: ['cpu'],
        prefix,
        socketKey,
        ...options,
      });
    },
    async watch(jobId) {
      const socket = connect(url, { transports: ['websocket'] });
      sockets.push(socket);
      const progress: JobProgress[] = [];
      const finished: JobFinished[] = [];
      // Parsed as the web client parses them: an event off the shared schema fails the run.
      socket.on('job:progress' as never, (e: unknown) => {
        progress.push(jobProgressSchema.parse(e));
      });
      socket.on('job:finished' as never, (e: unknown) => {
        finished.push(jobFinishedSchema.parse(e));
      });
      await new Promise<void>((r) => socket.emit('watch', jobId, () => r()));
      return { progress, finished, socket };
    },
    async close() {
      for (const s of sockets) s.close();
      await new Promise<void>((r) => io.close(() => r()));
      pub.disconnect();
      sub.disconnect();
      const { queues: q } = queues;
      await Promise.all([q.cpu.obliterate({ force: true }), q.gpu.obliterate({ force: true })]).catch(
        () => {},
      );
      await queues.close();
      redis.disconnect();
      await db.drop();
    },
  };
}

/**
 * Submits a job the way the API does after authorising: the payload parsed with its schema, the
 * type's input checks (`JOB_INPUTS`, whose errors the API maps to 4xx), then the job service's
 * `submitJob` (the real plan, estimate and flow). Returns the job id.
 */
export async function submitAsApi<T extends JobType>(
  h: JobHarness,
  type: T,
  params: Record<string, unknown>,
): Promise<string> {
  const parsed = jobPayloadSchemas[type].parse(params) as Record<string, unknown>;
  const prepared = await jobInputsOf(type)?.prepare(h.db.sql as Sql, {
    projectId: h.projectId,
    userId: h.userId,
    params: parsed as never,
  });
  const { job } = await submitJob(h.db.sql as Sql, h.queues, undefined, {
    projectId: h.projectId,
    userId: h.userId,
    type,
    params: prepared?.params ?? parsed,
    ...(prepared
      ? { planInput: prepared.planInput, versionId: prepared.versionId, warnings: prepared.warnings }
      : {}),
  });
  return job.id;
}

/** Polls `read` until `done(value)` or the deadline. */
export async function waitFor<T>(
  read: () => Promise<T> | T,
  done: (v: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
