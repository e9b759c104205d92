import {
  type ClientToServerEvents,
  notificationEventSchema,
  type ServerToClientEvents,
} from '@clapboard/shared/events';
import { io, type Socket } from 'socket.io-client';
import { notifyInbox } from './inbox-events';
import { fetchTicket } from './realtime-ticket';
import { realtimeUrl } from './realtime-url';

export type ProjectSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A Socket.IO connection for job and project events. `auth` is a function so every (re)connect
 * presents a fresh 60-second ticket; the project room is re-joined on each connect because rooms
 * do not survive a reconnect.
 */
export function openProjectSocket(projectId: string): ProjectSocket {
  const socket: ProjectSocket = io(realtimeUrl('http'), {
    auth: (cb) => {
      fetchTicket(projectId).then(
        (t) => cb({ ticket: t.ticket }),
        () => cb({}),
      );
    },
    transports: ['websocket'],
  });
  socket.on('connect', () => {
    socket.emit('project:watch', { type: 'project:watch', projectId }, () => {});
  });
  socket.on('notification:new', (raw) => {
    if (notificationEventSchema.safeParse(raw).success) notifyInbox();
  });
  return socket;
}

/**
 * A guest's Socket.IO connection to one shared project's client-visible variant events (a
 * `variants` ticket: no document, no project or job rooms). The server puts it in the project's
 * variants room on every (re)connect and says so with `variants:ready`.
 */
export function openVariantsSocket(projectId: string): ProjectSocket {
  return io(realtimeUrl('http'), {
    auth: (cb) => {
      fetchTicket(projectId, 'variants').then(
        (t) => cb({ ticket: t.ticket }),
        () => cb({}),
      );
    },
    transports: ['websocket'],
  });
}
