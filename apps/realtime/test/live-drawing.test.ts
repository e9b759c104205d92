import { createRedis, type Redis } from '@clapboard/server/redis';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import type {
  ClientToServerEvents,
  LiveDrawingInput,
  ProjectEventOf,
  ServerToClientEvents,
} from '@clapboard/shared/events';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeServer } from '../src/server';
import { MAX_DRAWING_EVENTS_PER_SEC } from '../src/socket/register-drawing-handlers';
import { createProject, createUser, startServer, ticketFor, waitFor } from './helpers';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Heard = ProjectEventOf<'drawing:live'>;

describe('drawing:live in the project room', () => {
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

  async function open(userId: string, projectId: string, watch = projectId): Promise<ClientSocket> {
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
    await socket.emitWithAck('project:watch', { type: 'project:watch', projectId: watch });
    return socket;
  }
  const listen = (socket: ClientSocket) => {
    const heard: Heard[] = [];
    socket.on('drawing:live', (e) => heard.push(e));
    return heard;
  };

  it('reaches the other members in the room, not the sender, a non-member or from a viewer', async () => {
    const owner = await createUser(db.sql, 'Owner');
    const reviewer = await createUser(db.sql, 'Reviewer');
    const viewer = await createUser(db.sql, 'Viewer');
    const stranger = await createUser(db.sql, 'Stranger');
    const project = await createProject(db.sql, {
      [owner]: 'owner',
      [reviewer]: 'reviewer',
      [viewer]: 'viewer',
    });
    const theirs = await createProject(db.sql, { [stranger]: 'owner' });
    const drawer = await open(owner, project);
    const other = await open(reviewer, project);
    const watcher = await open(viewer, project);
    // The stranger asks to join our room (refused) and sits in their own.
    const outsider = await open(stranger, theirs, project);
    await outsider.emitWithAck('project:watch', { type: 'project:watch', projectId: theirs });
    const [byDrawer, byOther, byWatcher, byOutsider] = [
      listen(drawer),
      listen(other),
      listen(watcher),
      listen(outsider),
    ];

    const stroke: LiveDrawingInput = {
      type: 'drawing:live',
      projectId: project,
      frame: 'scene:kitchen',
      shapes: [
        {
          kind: 'rect',
          points: [
            [0.1, 0.2],
            [0.5, 0.6],
          ],
          color: '#ff0000',
        },
        {
          kind: 'path',
          points: [
            [0, 0],
            [0.25, 0.3],
            [1, 1],
          ],
          color: '#00aa00',
        },
      ],
      ended: false,
    };
    drawer.emit('drawing:live', stroke);
    await waitFor(() => byOther.length === 1 && byWatcher.length === 1, 2_000, 'relayed');
    const { projectId: _, type: _type, ...drawing } = stroke;
    for (const heard of [byOther, byWatcher])
      expect(heard[0]).toMatchObject({
        projectId: project,
        type: 'drawing:live',
        payload: { ...drawing, userId: owner },
      });

    // A viewer may watch but not draw; the stranger's drawing into our room is dropped; so are out-of-range points.
    watcher.emit('drawing:live', { ...stroke, frame: 'scene:viewer' });
    outsider.emit('drawing:live', { ...stroke, frame: 'scene:stranger' });
    drawer.emit('drawing:live', {
      ...stroke,
      frame: 'scene:bad',
      shapes: [
        {
          kind: 'rect',
          points: [
            [0, 0],
            [1.5, 0.5],
          ],
          color: '#ff0000',
        },
      ],
    });
    // A marker sent after them: once it arrives, anything relayed before it has arrived too.
    drawer.emit('drawing:live', { ...stroke, frame: 'scene:marker', ended: true });
    await waitFor(() => byOther.length === 2, 2_000, 'marker');
    expect(byOther.map((e) => e.payload.frame)).toEqual(['scene:kitchen', 'scene:marker']);
    expect(byDrawer).toEqual([]);
    expect(byOutsider).toEqual([]);
  });

  it('a drawer who disconnects mid-stroke: the others are told the drawing ended', async () => {
    const owner = await createUser(db.sql);
    const reviewer = await createUser(db.sql);
    const project = await createProject(db.sql, { [owner]: 'owner', [reviewer]: 'reviewer' });
    const drawer = await open(owner, project);
    const heard = listen(await open(reviewer, project));
    const arrow = {
      kind: 'arrow' as const,
      points: [
        [0.1, 0.1],
        [0.6, 0.4],
      ] as [number, number][],
      color: '#ff0000',
    };
    const base = { type: 'drawing:live' as const, projectId: project, shapes: [arrow] };
    drawer.emit('drawing:live', { ...base, frame: 'scene:open', ended: false });
    drawer.emit('drawing:live', { ...base, frame: 'scene:done', ended: false });
    drawer.emit('drawing:live', { ...base, frame: 'scene:done', shapes: [], ended: true });
    await waitFor(() => heard.length === 3, 2_000, 'strokes relayed');
    drawer.disconnect();
    await waitFor(() => heard.length === 4, 2_000, 'the end of the open drawing');
    // Only the drawing still open is ended, with no shapes, in the drawer's name.
    expect(heard[3]!.payload).toEqual({ frame: 'scene:open', shapes: [], ended: true, userId: owner });
    await new Promise((r) => setTimeout(r, 200));
    expect(heard).toHaveLength(4);
  });

  it(`relays at most ${MAX_DRAWING_EVENTS_PER_SEC} messages a second from one socket`, async () => {
    const owner = await createUser(db.sql);
    const reviewer = await createUser(db.sql);
    const project = await createProject(db.sql, { [owner]: 'owner', [reviewer]: 'reviewer' });
    const drawer = await open(owner, project);
    const heard = listen(await open(reviewer, project));
    const t0 = Date.now();
    for (let i = 0; i < MAX_DRAWING_EVENTS_PER_SEC * 3; i++)
      drawer.emit('drawing:live', {
        type: 'drawing:live',
        projectId: project,
        frame: `scene:s${i}`,
        shapes: [],
        ended: false,
      });
    // The flood took well under a second to send, so at most two rate windows saw it.
    await waitFor(() => heard.length >= MAX_DRAWING_EVENTS_PER_SEC, 2_000, 'first window');
    await new Promise((r) => setTimeout(r, 300));
    const windows = Math.ceil((Date.now() - t0) / 1000) + 1;
    expect(heard.length).toBeLessThanOrEqual(MAX_DRAWING_EVENTS_PER_SEC * windows);
    expect(heard.length).toBeLessThan(MAX_DRAWING_EVENTS_PER_SEC * 3);
  });
});
