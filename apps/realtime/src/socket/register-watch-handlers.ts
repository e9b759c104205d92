import type { Sql } from '@clapboard/server/db';
import { type JobRow, rowToJob } from '@clapboard/server/jobs';
import type { Logger } from '@clapboard/server/logger';
import {
  jobRoom,
  jobWatchSchema,
  projectRoom,
  projectWatchSchema,
  userRoom,
  type WatchErrorCode,
} from '@clapboard/shared/events';
import { can } from '@clapboard/shared/permissions';
import type { Role } from '@clapboard/shared/roles';
import type { RealtimeIo, RealtimeSocket } from './create-socket-server';

const refused = (code: WatchErrorCode, message: string) => ({ ok: false as const, error: { code, message } });
const notFound = refused('not_found', 'Not found.');
const badRequest = refused('validation_failed', 'The request is not valid.');

/**
 * `job:watch` / `project:watch`: join the room only after Postgres says the user is a member of the
 * project (of the job's project, for a job), and acknowledge with the current state so a client that
 * reconnects never shows stale progress. Unknown, deleted and foreign resources all answer
 * `not_found`, so existence never leaks. Each socket remembers which project a room belongs to, so
 * a removed member is taken out of every room of that project. Every socket also joins its user's
 * `user:<id>` room for the inbox.
 */
export function registerWatchHandlers(io: RealtimeIo, deps: { sql: Sql; log: Logger }): void {
  io.on('connection', (socket) => {
    // Everyone hears their own inbox (`notification:new`) on whichever project page they have open.
    void socket.join(userRoom(socket.data.claims.userId));
    socket.on('job:watch', async (req, ack) => {
      if (typeof ack !== 'function') return;
      const parsed = jobWatchSchema.safeParse(req);
      if (!parsed.success) return ack(badRequest);
      try {
        const [row] = await deps.sql<(JobRow & { member_role: Role })[]>`
          select j.*, m.role as member_role from jobs j
          join projects p on p.id = j.project_id and p.deleted_at is null
          join project_members m on m.project_id = j.project_id and m.user_id = ${socket.data.claims.userId}
          where j.id = ${parsed.data.jobId}`;
        if (!row || !can(row.member_role, 'jobs:read')) return ack(notFound);
        const room = jobRoom(row.id);
        await socket.join(room);
        socket.data.watching.set(room, row.project_id);
        ack({ ok: true, job: rowToJob(row) });
      } catch (err) {
        deps.log.error({ err }, 'job:watch failed');
        ack(refused('internal', 'Try again.'));
      }
    });
    socket.on('project:watch', async (req, ack) => {
      if (typeof ack !== 'function') return;
      const parsed = projectWatchSchema.safeParse(req);
      if (!parsed.success) return ack(badRequest);
      const { projectId } = parsed.data;
      try {
        const [row] = await deps.sql<{ role: Role }[]>`
          select m.role from project_members m join projects p on p.id = m.project_id and p.deleted_at is null
          where m.project_id = ${projectId} and m.user_id = ${socket.data.claims.userId}`;
        if (!row || !can(row.role, 'project:read')) return ack(notFound);
        const room = projectRoom(projectId);
        await socket.join(room);
        socket.data.watching.set(room, projectId);
        socket.data.roles.set(projectId, row.role);
        ack({ ok: true, projectId });
      } catch (err) {
        deps.log.error({ err }, 'project:watch failed');
        ack(refused('internal', 'Try again.'));
      }
    });
    socket.on('job:unwatch', (req) => {
      const parsed = jobWatchSchema.safeParse(req);
      if (parsed.success) leave(socket, jobRoom(parsed.data.jobId));
    });
    socket.on('project:unwatch', (req) => {
      const parsed = projectWatchSchema.safeParse(req);
      if (parsed.success) leave(socket, projectRoom(parsed.data.projectId));
    });
  });
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
