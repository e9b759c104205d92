import { createJobEmitter, emitVariantChanged } from '@clapboard/server/jobs';
import { signTicket } from '@clapboard/server/tickets';
import {
  type ClientToServerEvents,
  type ProjectEventOf,
  projectRoom,
  type ServerToClientEvents,
  variantsRoom,
} from '@clapboard/shared/events';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeCodeOf, createUser, secret, startTestRealtime, waitFor } from './helpers';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type VariantChanged = ProjectEventOf<'variant:changed'>;

/**
 * A client guest's live gallery: a `variants` ticket puts the socket in `variants:<project>` only,
 * where the client-visible variant events arrive (decisions, renders, comments marked for the
 * client) and internal ones never do; the same ticket opens neither the document nor the project's
 * own rooms, and unsharing the project takes the guest out.
 */
describe('client guests hear their shared project’s variants live', () => {
  let rt: Awaited<ReturnType<typeof startTestRealtime>>;
  const sockets: ClientSocket[] = [];
  const socketKey = `test-guest-${Date.now()}`;

  beforeAll(async () => {
    rt = await startTestRealtime({ socketKey });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await rt.close();
  });

  /** A client with a guest, a campaign and one of its projects (shared or not). */
  async function sharedProject(shared: boolean) {
    const guest = await createUser(rt.db.sql, 'Gina');
    const [client] = await rt.db.sql<{ id: string }[]>`insert into clients (name) values ('K') returning id`;
    const [campaign] = await rt.db.sql<{ id: string }[]>`
      insert into campaigns (client_id, name) values (${client!.id}, 'C') returning id`;
    const [project] = await rt.db.sql<{ id: string }[]>`
      insert into projects (name, campaign_id, client_shared) values ('P', ${campaign!.id}, ${shared}) returning id`;
    await rt.db
      .sql`insert into client_members (client_id, user_id, role) values (${client!.id}, ${guest}, 'guest')`;
    return { guest, project: project!.id };
  }

  async function ticket(userId: string, projectId: string, scope: 'variants' | 'workspace') {
    return (await signTicket(secret, { userId, projectId, name: 'Gina', role: 'guest', scope })).ticket;
  }

  async function open(userId: string, projectId: string): Promise<ClientSocket> {
    const socket: ClientSocket = connect(rt.base, {
      auth: { ticket: await ticket(userId, projectId, 'variants') },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(socket);
    return socket;
  }

  const inRoom = (room: string, socket: ClientSocket) =>
    rt.server.io
      .of('/')
      .adapter.rooms.get(room)
      ?.has(socket.id ?? '') ?? false;

  it('joins variants:<project> only, and hears decisions and client-visible comments, not internal ones', async () => {
    const { guest, project } = await sharedProject(true);
    const socket = await open(guest, project);
    const ready = await new Promise<{ projectId: string }>((resolve, reject) => {
      socket.once('variants:ready', resolve);
      socket.once('connect_error', reject);
    });
    expect(ready.projectId).toBe(project);
    expect(inRoom(variantsRoom(project), socket)).toBe(true);
    expect(inRoom(projectRoom(project), socket)).toBe(false);
    // Asking for the project's own room or a job is refused: the ticket opens nothing else.
    expect(
      await socket.emitWithAck('project:watch', { type: 'project:watch', projectId: project }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    const heard: VariantChanged[] = [];
    socket.on('variant:changed', (e) => heard.push(e));
    // Events as the API and the worker send them, through Redis from another process's emitter.
    const emitter = createJobEmitter(rt.redis, socketKey);
    const [decided, internal, visible] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    emitVariantChanged(emitter, project, [decided], 'decided', true);
    emitVariantChanged(emitter, project, [internal], 'commented', false);
    emitVariantChanged(emitter, project, [visible], 'commented', true);
    await waitFor(() => heard.length >= 2, 5_000);
    // A moment for a stray internal event to arrive, had it been sent to the guest.
    await new Promise((r) => setTimeout(r, 300));
    expect(heard.map((e) => [e.payload.variantId, e.payload.reason])).toEqual([
      [decided, 'decided'],
      [visible, 'commented'],
    ]);
  });

  it('a variants ticket never opens the document', async () => {
    const { guest, project } = await sharedProject(true);
    const t = await ticket(guest, project, 'variants');
    expect(await closeCodeOf(`${rt.yjsUrl}/${project}?ticket=${encodeURIComponent(t)}`)).toBe(4403);
  });

  it('refuses a guest whose project is not shared, and takes one out when it stops being shared', async () => {
    const hidden = await sharedProject(false);
    const refused = await open(hidden.guest, hidden.project);
    await waitFor(() => refused.disconnected, 5_000);
    expect(inRoom(variantsRoom(hidden.project), refused)).toBe(false);

    const { guest, project } = await sharedProject(true);
    const socket = await open(guest, project);
    await new Promise((resolve) => socket.once('variants:ready', resolve));
    await rt.db.sql`update projects set client_shared = false where id = ${project}`;
    await waitFor(() => !inRoom(variantsRoom(project), socket), 5_000);
  });
});
