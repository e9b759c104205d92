import { liveDrawingInputSchema, type ProjectEventOf, projectRoom } from '@clapboard/shared/events';
import { can } from '@clapboard/shared/permissions';
import type { RealtimeIo } from './create-socket-server';

/** The most `drawing:live` messages one socket may have relayed per second; the rest are dropped. */
export const MAX_DRAWING_EVENTS_PER_SEC = 30;

/**
 * `drawing:live`: a drawing in progress on a frame, relayed to the other sockets in the project's
 * room as the `drawing:live` project event, with the sender's user id. Only a socket that joined
 * that room (`project:watch`, which checks membership in Postgres; a removed member is taken out)
 * with a role that may write comments is relayed; anything else, malformed or over the rate, is
 * dropped without an answer. Nothing is stored: the drawing is kept when it is posted with a comment.
 */
export function registerDrawingHandlers(io: RealtimeIo): void {
  io.on('connection', (socket) => {
    let windowStart = 0;
    let inWindow = 0;
    socket.on('drawing:live', (req) => {
      const parsed = liveDrawingInputSchema.safeParse(req);
      if (!parsed.success) return;
      const { projectId, ...drawing } = parsed.data;
      const room = projectRoom(projectId);
      const role = socket.data.roles.get(projectId);
      if (socket.data.watching.get(room) !== projectId || !role || !can(role, 'comments:write')) return;
      const now = Date.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        inWindow = 0;
      }
      if (++inWindow > MAX_DRAWING_EVENTS_PER_SEC) return;
      const event: ProjectEventOf<'drawing:live'> = {
        projectId,
        type: 'drawing:live',
        payload: { ...drawing, userId: socket.data.claims.userId },
        at: new Date(now).toISOString(),
      };
      socket.to(room).emit('drawing:live', event);
    });
  });
}
