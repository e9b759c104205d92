import type { Sql } from '@clapboard/server/db';
import { type JobRow, rowToJob } from '@clapboard/server/jobs/job-row';
import type { Logger } from '@clapboard/server/logger';
import {
  assertNever,
  CLIENT_REQUEST_TYPES,
  type ClientRequest,
  type ClientRequestOf,
  type JobWatchAck,
  jobRoom,
  type ProjectWatchAck,
  parseClientRequest,
  projectRoom,
  userRoom,
  variantsRoom,
  type WatchErrorCode,
  type WatchRefusal,
} from '@clapboard/shared/events';
import { can } from '@clapboard/shared/permissions';
import type { Role } from '@clapboard/shared/roles';
import type { RealtimeIo, RealtimeSocket } from './create-socket-server';
import { relayDrawing } from './register-drawing-handlers';

const refused = (code: WatchErrorCode, message: string): WatchRefusal => ({
  ok: false,
  error: { code, message },
});
const notFound = refused('not_found', 'Not found.');
const badRequest = refused('validation_failed', 'The request is not valid.');
const internal = refused('internal', 'Try again.');

interface WatchDeps {
  sql: Sql;
  log: Logger;
}

/**
 * `job:watch` / `project:watch`: join the room only after Postgres says the user is a member of the
 * project (of the job's project, for a job), and acknowledge with the current state so a client that
 * reconnects never shows stale progress. Unknown, deleted and foreign resources all answer
 * `not_found`, so existence never leaks. Each socket remembers which project a room belongs to, so
 * a removed member is taken out of every room of that project. Every socket also joins its user's
 * `user:<id>` room for the inbox.
 *
 * Every request is parsed against the shared `clientRequestSchema` (its `type` must be the event's
 * name) and handled by one exhaustive `switch`; an unparseable one is acknowledged
 * `validation_failed` when it asked for an acknowledgement, and otherwise ignored.
 */
export function registerWatchHandlers(io: RealtimeIo, deps: WatchDeps): void {
  io.on('connection', (socket) => {
    // Everyone hears their own inbox (`notification:new`) on whichever project page they have open.
    void socket.join(userRoom(socket.data.claims.userId));
    // A `variants` ticket (a client guest's live gallery) opens the project's client-visible
    // variant events and nothing else: no project or job room, no drawing.
    if (socket.data.claims.scope === 'variants') void joinVariants(socket, deps);
    // One listener per request type; the typed map cannot pair a loop variable with its handler.
    const on = socket.on.bind(socket) as (name: string, fn: (body: unknown, ack?: unknown) => void) => void;
    for (const name of CLIENT_REQUEST_TYPES)
      on(name, (body, ack) => {
        const reply = typeof ack === 'function' ? (ack as (res: unknown) => void) : undefined;
        const req = parseClientRequest(name, body);
        if (!req) return reply?.(badRequest);
        void handleRequest(socket, deps, req, reply);
      });
  });
}

/**
 * Puts a `variants`-scoped socket in `variants:<project>` once Postgres says the user may still read
 * the project's variants (a guest only while the project is shared); otherwise disconnects it.
 */
async function joinVariants(socket: RealtimeSocket, deps: WatchDeps): Promise<void> {
  const { projectId, userId } = socket.data.claims;
  try {
    const [row] = await deps.sql<{ role: Role }[]>`
      select m.role from effective_project_roles m join projects p on p.id = m.project_id and p.deleted_at is null
      where m.project_id = ${projectId} and m.user_id = ${userId}`;
    if (!row || !can(row.role, 'variants:read')) {
      socket.disconnect(true);
      return;
    }
    const room = variantsRoom(projectId);
    await socket.join(room);
    socket.data.watching.set(room, projectId);
    socket.data.roles.set(projectId, row.role);
    socket.emit('variants:ready', { projectId });
  } catch (err) {
    deps.log.error({ err }, 'variants room failed');
    socket.disconnect(true);
  }
}

async function handleRequest(
  socket: RealtimeSocket,
  deps: WatchDeps,
  req: ClientRequest,
  reply: ((res: JobWatchAck | ProjectWatchAck) => void) | undefined,
): Promise<void> {
  // A `variants` ticket opens nothing a request could ask for.
  if (socket.data.claims.scope === 'variants') {
    if (req.type === 'job:watch' || req.type === 'project:watch') reply?.(notFound);
    return;
  }
  switch (req.type) {
    // A watch that cannot be acknowledged is ignored: the ack is how the client gets the state.
    case 'job:watch':
      if (reply) reply(await watchJob(socket, deps, req));
      return;
    case 'project:watch':
      if (reply) reply(await watchProject(socket, deps, req));
      return;
    case 'job:unwatch':
      return leave(socket, jobRoom(req.jobId));
    case 'project:unwatch':
      return leave(socket, projectRoom(req.projectId));
    case 'drawing:live':
      return relayDrawing(socket, req);
    default:
      return assertNever(req);
  }
}

async function watchJob(
  socket: RealtimeSocket,
  deps: WatchDeps,
  req: ClientRequestOf<'job:watch'>,
): Promise<JobWatchAck> {
  try {
    const [row] = await deps.sql<(JobRow & { member_role: Role })[]>`
      select j.*, m.role as member_role from jobs j
      join projects p on p.id = j.project_id and p.deleted_at is null
      join effective_project_roles m on m.project_id = j.project_id and m.user_id = ${socket.data.claims.userId}
      where j.id = ${req.jobId}`;
    if (!row || !can(row.member_role, 'jobs:read')) return notFound;
    const room = jobRoom(row.id);
    await socket.join(room);
    socket.data.watching.set(room, row.project_id);
    return { ok: true, job: rowToJob(row) };
  } catch (err) {
    deps.log.error({ err }, 'job:watch failed');
    return internal;
  }
}

async function watchProject(
  socket: RealtimeSocket,
  deps: WatchDeps,
  req: ClientRequestOf<'project:watch'>,
): Promise<ProjectWatchAck> {
  const { projectId } = req;
  try {
    const [row] = await deps.sql<{ role: Role }[]>`
      select m.role from effective_project_roles m join projects p on p.id = m.project_id and p.deleted_at is null
      where m.project_id = ${projectId} and m.user_id = ${socket.data.claims.userId}`;
    if (!row || !can(row.role, 'project:read')) return notFound;
    const room = projectRoom(projectId);
    await socket.join(room);
    socket.data.watching.set(room, projectId);
    socket.data.roles.set(projectId, row.role);
    return { ok: true, projectId };
  } catch (err) {
    deps.log.error({ err }, 'project:watch failed');
    return internal;
  }
}

function leave(socket: RealtimeSocket, room: string): void {
  socket.data.watching.delete(room);
  void socket.leave(room);
}

/**
 * Takes this instance's sockets out of every room of `projectId`: all of them when the project was
 * deleted, only `userId`'s when one member was removed.
 */
export function leaveProjectRooms(io: RealtimeIo, projectId: string, userId?: string): void {
  for (const socket of io.of('/').sockets.values()) {
    if (userId && socket.data.claims.userId !== userId) continue;
    for (const [room, project] of socket.data.watching ?? []) if (project === projectId) leave(socket, room);
  }
}
