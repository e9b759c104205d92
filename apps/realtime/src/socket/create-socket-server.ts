import type { Server as HttpServer } from 'node:http';
import type { Sql } from '@clapboard/server/db';
import type { Logger } from '@clapboard/server/logger';
import type { Redis } from '@clapboard/server/redis';
import { isSessionRevoked } from '@clapboard/server/sessions';
import { verifyTicket } from '@clapboard/server/tickets';
import type { ClientToServerEvents, ConnectErrorCode, ServerToClientEvents } from '@clapboard/shared/events';
import { SOCKET_MAX_MESSAGE_BYTES } from '@clapboard/shared/protocol';
import type { Role } from '@clapboard/shared/roles';
import type { TicketClaims } from '@clapboard/shared/tickets';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server, type Socket } from 'socket.io';

export interface SocketData {
  claims: TicketClaims;
  /** Rooms this socket watches → the project each belongs to (for membership removals). */
  watching: Map<string, string>;
  /** The user's role in each project whose room this socket joined, as read at the join. */
  roles: Map<string, Role>;
}

export type RealtimeIo = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

export type RealtimeSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

export interface SocketServerDeps {
  httpServer: HttpServer;
  /** Redis key shared with emitters; default `socket.io`. */
  socketKey?: string;
  sql: Sql;
  redis: Redis;
  log: Logger;
  jwtSecret: string;
  /** Namespace of the session deny-list; default `clapboard`. */
  redisPrefix?: string;
  corsOrigins?: string[];
}

/**
 * Socket.IO on the realtime HTTP server, fanned out across instances by the Redis adapter. Every
 * handshake must carry `auth: { ticket }`; the ticket is verified locally (signature, audience,
 * expiry) before any event is accepted.
 */
export function createSocketServer(deps: SocketServerDeps): RealtimeIo {
  const pub = deps.redis.duplicate();
  const sub = deps.redis.duplicate();
  const io: RealtimeIo = new Server(deps.httpServer, {
    cors: { origin: deps.corsOrigins ?? [/^https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/], credentials: true },
    maxHttpBufferSize: SOCKET_MAX_MESSAGE_BYTES,
    adapter: createAdapter(pub, sub, { key: deps.socketKey ?? 'socket.io' }),
  });
  io.use(async (socket, next) => {
    const ticket = (socket.handshake.auth as { ticket?: unknown })?.ticket;
    const verdict = await verifyTicket(deps.jwtSecret, typeof ticket === 'string' ? ticket : undefined);
    if (!verdict.ok) return next(refusal(verdict.reason === 'expired' ? 'ticket_expired' : 'unauthorized'));
    const sid = verdict.claims.sessionId;
    if (sid && (await isSessionRevoked(deps.redis, deps.redisPrefix ?? 'clapboard', sid)))
      return next(refusal('unauthorized'));
    socket.data.claims = verdict.claims;
    socket.data.watching = new Map();
    socket.data.roles = new Map();
    next();
  });
  io.engine.on('close', () => {
    pub.disconnect();
    sub.disconnect();
  });
  return io;
}

/** A handshake refusal: the client reads its code from `connect_error`'s `data`. */
function refusal(code: ConnectErrorCode): Error & { data: { code: ConnectErrorCode } } {
  return Object.assign(new Error(code), { data: { code } });
}
