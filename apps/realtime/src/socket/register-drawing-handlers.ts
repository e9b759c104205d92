import { type ClientRequestOf, type ProjectEventOf, projectRoom } from '@clapboard/shared/events';
import { can } from '@clapboard/shared/permissions';
import type { RealtimeSocket } from './create-socket-server';

/** The most `drawing:live` messages one socket may have relayed per second; the rest are dropped. */
export const MAX_DRAWING_EVENTS_PER_SEC = 30;

const windows = new WeakMap<RealtimeSocket, { start: number; count: number }>();
/** Per socket, the drawings it has in progress (frame → project), ended for it when it disconnects. */
const open = new WeakMap<RealtimeSocket, Map<string, string>>();

/**
 * `drawing:live` (parsed by the request union in register-watch-handlers): a drawing in progress on
 * a frame, relayed to the other sockets in the project's room as the `drawing:live` project event,
 * with the sender's user id. Only a socket that joined that room (`project:watch`, which checks
 * membership in Postgres; a removed member is taken out) with a role that may write comments is
 * relayed; anything else or over the rate is dropped without an answer. Nothing is stored: the
 * drawing is kept when it is posted with a comment.
 */
export function relayDrawing(socket: RealtimeSocket, req: ClientRequestOf<'drawing:live'>): void {
  const { projectId, type: _type, ...drawing } = req;
  const room = projectRoom(projectId);
  const role = socket.data.roles.get(projectId);
  if (socket.data.watching.get(room) !== projectId || !role || !can(role, 'comments:write')) return;
  const now = Date.now();
  const window = windows.get(socket) ?? { start: 0, count: 0 };
  if (now - window.start >= 1000) {
    window.start = now;
    window.count = 0;
  }
  windows.set(socket, window);
  if (++window.count > MAX_DRAWING_EVENTS_PER_SEC) return;
  const event: ProjectEventOf<'drawing:live'> = {
    projectId,
    type: 'drawing:live',
    payload: { ...drawing, userId: socket.data.claims.userId },
    at: new Date(now).toISOString(),
  };
  socket.to(room).emit('drawing:live', event);
  trackOpen(socket, projectId, drawing.frame, drawing.ended);
}

/**
 * Remembers which frames this socket is drawing on; when it disconnects (tab closed, network gone)
 * the others are told those drawings ended, so no half-drawn stroke stays on their screens.
 */
function trackOpen(socket: RealtimeSocket, projectId: string, frame: string, ended: boolean): void {
  let frames = open.get(socket);
  if (!frames) {
    frames = new Map();
    open.set(socket, frames);
    socket.once('disconnect', () => {
      for (const [frameKey, project] of open.get(socket) ?? []) {
        const event: ProjectEventOf<'drawing:live'> = {
          projectId: project,
          type: 'drawing:live',
          payload: { frame: frameKey, shapes: [], ended: true, userId: socket.data.claims.userId },
          at: new Date().toISOString(),
        };
        socket.nsp.to(projectRoom(project)).emit('drawing:live', event);
      }
      open.delete(socket);
    });
  }
  if (ended) frames.delete(frame);
  else frames.set(frame, projectId);
}
