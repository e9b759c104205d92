import { randomUUID } from 'node:crypto';
import { createRedis, type Redis } from '@clapboard/server/redis';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import {
  type ClientToServerEvents,
  jobRoom,
  jobWatchAckSchema,
  projectRoom,
  projectWatchAckSchema,
  type ServerToClientEvents,
} from '@clapboard/shared/events';
import type { JobProgress } from '@clapboard/shared/jobs';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeServer } from '../src/server';
import { createProject, createUser, startServer, ticketFor, waitFor } from './helpers';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('Socket.IO job and project rooms', () => {
  let db: TestDatabase;
  let redis: Redis;
  let server: RealtimeServer;
  let base: string;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    redis = createRedis(redisUrl);
    const started = await startServer({ sql: db.sql, redis });
    server = started.server;
    base = `http://127.0.0.1:${started.port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server.close();
    redis.disconnect();
    await db.drop();
  });

  async function open(userId: string, projectId: string): Promise<ClientSocket> {
    const socket: ClientSocket = connect(base, {
      auth: { ticket: await ticketFor(userId, projectId) },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  }

  async function insertJob(projectId: string, progress: JobProgress | null): Promise<string> {
    const id = randomUUID();
    await db.sql`insert into jobs (id, project_id, type, status, params, progress, started_at)
      values (${id}, ${projectId}, 'render.video', 'running', ${db.sql.json({ final: false })},
              ${progress ? db.sql.json(progress) : null}, now())`;
    return id;
  }

  const roomHas = (room: string, socketId: string) =>
    server.io.of('/').adapter.rooms.get(room)?.has(socketId) ?? false;

  it('job:watch acks the current state from Postgres, joins the room, and delivers progress', async () => {
    const [owner] = [await createUser(db.sql)];
    const project = await createProject(db.sql, { [owner]: 'owner' });
    const jobId = randomUUID();
    const progress = { jobId, stage: 'frames', progress: 40, etaSec: 12, message: 'Scene 2 of 5' };
    await db.sql`insert into jobs (id, project_id, type, status, progress, started_at)
      values (${jobId}, ${project}, 'render.video', 'running', ${db.sql.json(progress)}, now())`;
    const socket = await open(owner, project);
    // The acknowledgement the server sends is what the shared schema accepts (the client parses it).
    const ack = jobWatchAckSchema.parse(await socket.emitWithAck('job:watch', { type: 'job:watch', jobId }));
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.job).toMatchObject({ id: jobId, projectId: project, status: 'running', progress });
    expect(roomHas(jobRoom(jobId), socket.id!)).toBe(true);
    const received = new Promise<JobProgress>((r) => socket.once('job:progress', r));
    server.io.to(jobRoom(jobId)).emit('job:progress', { ...progress, progress: 55 });
    expect((await received).progress).toBe(55);
  });

  it('refuses to watch a job or project of which the user is not a member', async () => {
    const [owner, stranger] = [await createUser(db.sql), await createUser(db.sql)];
    const project = await createProject(db.sql, { [owner]: 'owner' });
    const own = await createProject(db.sql, { [stranger]: 'owner' });
    const jobId = await insertJob(project, null);
    const socket = await open(stranger, own);
    expect(await socket.emitWithAck('job:watch', { type: 'job:watch', jobId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(
      await socket.emitWithAck('project:watch', { type: 'project:watch', projectId: project }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await socket.emitWithAck('job:watch', { type: 'job:watch', jobId: 'nope' })).toMatchObject({
      ok: false,
    });
    expect(roomHas(jobRoom(jobId), socket.id!)).toBe(false);
    expect(await socket.emitWithAck('project:watch', { type: 'project:watch', projectId: own })).toEqual({
      ok: true,
      projectId: own,
    });
  });

  it('acknowledges a request that is not a member of the union with validation_failed and joins nothing', async () => {
    const user = await createUser(db.sql);
    const projectId = await createProject(db.sql, { [user]: 'owner' });
    const socket = await open(user, projectId);
    const raw = socket.emitWithAck.bind(socket) as (name: string, body: unknown) => Promise<unknown>;
    const refused = { ok: false, error: { code: 'validation_failed', message: 'The request is not valid.' } };
    // No `type`; a `type` other than the event's name; an unknown event; a malformed id.
    for (const [name, body] of [
      ['project:watch', { projectId }],
      ['project:watch', { type: 'job:watch', jobId: projectId }],
      ['job:watch', { type: 'project:watch', projectId }],
      ['project:watch', { type: 'project:watch', projectId: 'nope' }],
    ] as const) {
      const ack = await raw(name, body);
      expect(ack).toEqual(refused);
      // The refusal is a member of the shared ack union, with a code from its closed set.
      expect(projectWatchAckSchema.parse(ack)).toEqual(refused);
    }
    expect(roomHas(projectRoom(projectId), socket.id!)).toBe(false);
    // An event that is no request at all gets no handler (the client's ack would never be called).
    (socket.emit as (name: string, body: unknown) => void)('project:delete', {
      type: 'project:delete',
      projectId,
    });
    expect(
      projectWatchAckSchema.parse(
        await socket.emitWithAck('project:watch', { type: 'project:watch', projectId }),
      ),
    ).toEqual({ ok: true, projectId });
  });

  it('a removed member leaves the project and job rooms within a second', async () => {
    const [owner, viewer] = [await createUser(db.sql), await createUser(db.sql)];
    const project = await createProject(db.sql, { [owner]: 'owner', [viewer]: 'viewer' });
    const jobId = await insertJob(project, null);
    const socket = await open(viewer, project);
    expect(
      (await socket.emitWithAck('project:watch', { type: 'project:watch', projectId: project })).ok,
    ).toBe(true);
    expect((await socket.emitWithAck('job:watch', { type: 'job:watch', jobId })).ok).toBe(true);
    const ownerSocket = await open(owner, project);
    expect(
      (await ownerSocket.emitWithAck('project:watch', { type: 'project:watch', projectId: project })).ok,
    ).toBe(true);
    const t0 = Date.now();
    await db.sql`delete from project_members where project_id = ${project} and user_id = ${viewer}`;
    await waitFor(
      () => !roomHas(projectRoom(project), socket.id!) && !roomHas(jobRoom(jobId), socket.id!),
      1_000,
      'left rooms',
    );
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(roomHas(projectRoom(project), ownerSocket.id!)).toBe(true);
  });

  it('disconnects a client that sends a packet over 64 KiB; a normal one keeps its connection', async () => {
    const user = await createUser(db.sql);
    const projectId = await createProject(db.sql, { [user]: 'viewer' });
    const big = await open(user, projectId);
    const small = await open(user, projectId);
    const reason = new Promise<string>((r) => big.once('disconnect', r));
    // A watch request whose payload is 100 KB: refused by the transport before any handler parses it.
    (big.emit as (ev: string, payload: unknown) => void)('project:watch', {
      projectId,
      pad: 'x'.repeat(100_000),
    });
    expect(await reason).toBe('transport close');
    // The other connection still works: a real round trip.
    expect(await small.emitWithAck('project:watch', { type: 'project:watch', projectId })).toMatchObject({
      ok: true,
    });
    expect(small.connected).toBe(true);
  });
});
