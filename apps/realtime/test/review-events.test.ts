import { randomUUID } from 'node:crypto';
import { insertScene } from '@clapboard/screenplay';
import { appendUpdates, loadDocument, readDocumentContent } from '@clapboard/server/documents';
import { createJobEmitter } from '@clapboard/server/jobs';
import { createNotifications } from '@clapboard/server/notifications';
import { createRedis, type Redis } from '@clapboard/server/redis';
import { hashSceneContent, sceneReviewContents } from '@clapboard/server/review';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import {
  type ClientToServerEvents,
  notificationEventSchema,
  type ProjectEvent,
  projectEventSchema,
  type ServerToClientEvents,
} from '@clapboard/shared/events';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeServer } from '../src/server';
import {
  connectClient,
  createProject,
  createUser,
  startServer,
  synced,
  ticketFor,
  waitFor,
  Y,
} from './helpers';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('review events: inbox room and approvals going stale', () => {
  let db: TestDatabase;
  let redis: Redis;
  let server: RealtimeServer;
  let port: number;
  let yjsUrl: string;
  const socketKey = `rt-review-${randomUUID()}`;
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    redis = createRedis(redisUrl);
    const started = await startServer({ sql: db.sql, redis, socketKey });
    server = started.server;
    port = started.port;
    yjsUrl = started.url;
  });
  afterAll(async () => {
    for (const close of closers) close();
    await server.close();
    redis.disconnect();
    await db.drop();
  });

  async function open(userId: string, projectId: string): Promise<ClientSocket> {
    const socket: ClientSocket = connect(`http://127.0.0.1:${port}`, {
      auth: { ticket: await ticketFor(userId, projectId) },
      transports: ['websocket'],
      reconnection: false,
    });
    closers.push(() => socket.close());
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  }

  it('delivers notification:new to the user’s own room only', async () => {
    const [alice, bob] = [await createUser(db.sql), await createUser(db.sql)];
    const project = await createProject(db.sql, { [alice]: 'owner', [bob]: 'editor' });
    const [a, b] = [await open(alice, project), await open(bob, project)];
    const bobGot: unknown[] = [];
    b.on('notification:new', (n) => bobGot.push(n));
    const received = new Promise<{ kind: string; payload: unknown }>((r) => a.once('notification:new', r));
    // The emitter from another process (API, worker) reaches the socket through Redis.
    const emitter = createJobEmitter(redis, socketKey);
    await createNotifications(db.sql, emitter, {
      userIds: [alice],
      kind: 'mention',
      projectId: project,
      payload: { excerpt: 'hi' },
    });
    const notification = await received;
    expect(notification).toMatchObject({ kind: 'mention', payload: { excerpt: 'hi' } });
    // What the server sent is what the shared schema accepts, as the web client parses it.
    expect(notificationEventSchema.parse(notification)).toEqual(notification);
    // Bob's room got nothing: a later event to Bob arrives first and alone.
    const bobNext = new Promise((r) => b.once('notification:new', r));
    await createNotifications(db.sql, emitter, {
      userIds: [bob],
      kind: 'reply',
      projectId: project,
      payload: {},
    });
    await bobNext;
    expect(bobGot).toHaveLength(1);
  });

  it('reports approval:changed when an approved scene is edited, not when another scene is', async () => {
    const [editor, reviewer] = [await createUser(db.sql), await createUser(db.sql)];
    const project = await createProject(db.sql, { [editor]: 'editor', [reviewer]: 'reviewer' });
    // The stored document: two scenes, each with a script part and a scene map.
    const seed = new Y.Doc();
    seed
      .getText('script')
      .insert(0, 'INT. HALL - DAY\n\nALEX\nHello there.\n\nEXT. PARK - DAY\n\nALEX\nNice trees.\n');
    for (const [id, heading] of [
      ['hall', 'INT. HALL - DAY'],
      ['park', 'EXT. PARK - DAY'],
    ] as const) {
      insertScene(seed, Number.POSITIVE_INFINITY, { id, heading });
    }
    await appendUpdates(db.sql, project, [Y.encodeStateAsUpdate(seed)]);
    const { doc } = await loadDocument(db.sql, project);
    const hall = (await sceneReviewContents(readDocumentContent(doc))).find((s) => s.sceneId === 'hall')!;
    const [approval] = await db.sql<{ id: string }[]>`
      insert into approvals (project_id, scene_id, status, content_hash, content, reviewer_id)
      values (${project}, 'hall', 'approved', ${hashSceneContent(hall.content)}, ${db.sql.json(hall.content as never)}, ${reviewer})
      returning id`;

    const watcher = await open(reviewer, project);
    expect(
      (await watcher.emitWithAck('project:watch', { type: 'project:watch', projectId: project })).ok,
    ).toBe(true);
    const events: ProjectEvent[] = [];
    watcher.on('approval:changed', (e) => events.push(e));

    const client = connectClient(yjsUrl, project, await ticketFor(editor, project));
    closers.push(() => client.destroy());
    await synced(client);
    const text = client.doc.getText('script');
    // First an unrelated scene, then the approved one.
    text.insert(text.toString().indexOf('Nice trees.'), 'Very ');
    text.insert(text.toString().indexOf('Hello there.') + 'Hello'.length, ', dear');
    await waitFor(() => events.length > 0, 10_000, 'approval:changed');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      projectId: project,
      type: 'approval:changed',
      payload: { sceneId: 'hall', approvalId: approval!.id, reason: 'stale' },
    });
    // Undoing the edit makes the decision fresh again, and that is reported too.
    const at = text.toString().indexOf(', dear');
    text.delete(at, ', dear'.length);
    await waitFor(() => events.length > 1, 10_000, 'approval fresh again');
    expect(events[1]).toMatchObject({ payload: { sceneId: 'hall', reason: 'fresh' } });
    for (const e of events) expect(projectEventSchema.parse(e)).toEqual(e);
  });
});
