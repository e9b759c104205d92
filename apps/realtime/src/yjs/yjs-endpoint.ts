import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Sql } from '@clapboard/server/db';
import type { Logger } from '@clapboard/server/logger';
import type { Redis } from '@clapboard/server/redis';
import { isSessionRevoked, revocationCovers } from '@clapboard/server/sessions';
import { verifyTicket } from '@clapboard/server/tickets';
import { DOC_LIMITS } from '@clapboard/shared/document';
import { CLOSE_CODES } from '@clapboard/shared/protocol';
import type { SessionRevocation } from '@clapboard/shared/sessions';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { projectAccess } from '../membership/project-role';
import type { MembershipWatch } from '../membership/watch-membership';
import { AwarenessBudget } from './awareness-guard';
import type { DocConn } from './doc-conn';
import type { DocRoom } from './doc-room';
import { MalformedMessageError } from './doc-room';
import type { DocRooms } from './doc-rooms';
import type { RealtimeStats } from './realtime-stats';

/** Path prefix of the Yjs endpoint: `/yjs/<projectId>?ticket=…`. */
export const YJS_PATH_PREFIX = '/yjs/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** RFC 6455 "message too big", what `ws` sends when a frame exceeds maxPayload. */
const WS_MESSAGE_TOO_BIG = 1009;
const HEARTBEAT_MS = 30_000;

export interface YjsEndpointDeps {
  sql: Sql;
  log: Logger;
  jwtSecret: string;
  /** Session deny-list (REDIS_PREFIX namespace). */
  redis: Redis;
  redisPrefix: string;
  rooms: DocRooms;
  membership: MembershipWatch;
  stats: RealtimeStats;
}

export interface YjsEndpoint {
  /** Takes over an HTTP upgrade when its path is under /yjs/; returns false otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes the connections of sessions that `revocation` ended (`unauthorized`, "session ended"). */
  revoke(revocation: SessionRevocation): number;
  /** Closes every connection with `goingAway` and stops accepting. */
  close(): void;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * The Yjs WebSocket endpoint (y-websocket wire protocol). The upgrade is accepted first and every
 * refusal is a WebSocket close with a named code, because a refused HTTP upgrade reaches browser
 * clients only as an anonymous 1006. Messages that arrive while authorizing and loading are queued.
 */
export function createYjsEndpoint(deps: YjsEndpointDeps): YjsEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: DOC_LIMITS.maxMessageBytes });
  const alive = new WeakSet<WebSocket>();
  /** Who opened each authorized socket, for closing them when their session is revoked. */
  const owners = new WeakMap<WebSocket, { userId: string; sessionId?: string }>();
  let closing = false;

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  async function authorize(ws: WebSocket, docId: string, ticket: string | null) {
    const verdict = await verifyTicket(deps.jwtSecret, ticket);
    if (!verdict.ok) {
      ws.close(
        verdict.reason === 'expired' ? CLOSE_CODES.ticketExpired : CLOSE_CODES.unauthorized,
        verdict.reason,
      );
      return null;
    }
    const { userId, projectId, sessionId, scope } = verdict.claims;
    if (projectId !== docId) {
      ws.close(CLOSE_CODES.forbidden, 'ticket is for another project');
      return null;
    }
    // A `variants` ticket (a client guest's live gallery) never opens the document.
    if (scope !== 'workspace') {
      ws.close(CLOSE_CODES.forbidden, 'ticket is for variant events only');
      return null;
    }
    // Registered before the deny-list check, so a revocation published meanwhile still finds it.
    owners.set(ws, { userId, sessionId });
    if (sessionId && (await isSessionRevoked(deps.redis, deps.redisPrefix, sessionId))) {
      ws.close(CLOSE_CODES.unauthorized, 'session ended');
      return null;
    }
    return userId;
  }

  async function checkAccess(ws: WebSocket, docId: string, userId: string) {
    const access = await projectAccess(deps.sql, docId, userId);
    if (!access.ok) {
      ws.close(access.reason === 'not_found' ? CLOSE_CODES.notFound : CLOSE_CODES.forbidden, access.reason);
      return null;
    }
    return access.role;
  }

  async function onConnection(ws: WebSocket, docId: string, ticket: string | null): Promise<void> {
    const queued: Uint8Array[] = [];
    let deliver: ((data: Uint8Array) => void) | undefined;
    ws.on('message', (data) => {
      const bytes = toBytes(data);
      if (deliver) deliver(bytes);
      else if (queued.length < 1_000) queued.push(bytes);
      else ws.close(CLOSE_CODES.malformedMessage, 'too many messages before sync');
    });
    const userId = await authorize(ws, docId, ticket);
    if (!userId || ws.readyState !== ws.OPEN) return;
    const generation = deps.membership.generation(docId, userId);
    let role = await checkAccess(ws, docId, userId);
    if (!role || ws.readyState !== ws.OPEN) return;
    let room: DocRoom;
    try {
      room = await deps.rooms.acquire(docId);
    } catch (err) {
      deps.log.error({ err, docId }, 'opening a document failed');
      ws.close(CLOSE_CODES.goingAway, 'document unavailable, retry');
      return;
    }
    const leave = () => {
      room.removeConn(ws);
      deps.rooms.release(room);
    };
    if (ws.readyState !== ws.OPEN) return leave();
    if (room.conns.size >= DOC_LIMITS.maxConnectionsPerDoc) {
      ws.close(CLOSE_CODES.tooManyConnections, 'too many connections');
      return leave();
    }
    // A membership change that landed while we were reading must not be missed.
    if (deps.membership.generation(docId, userId) !== generation) {
      role = await checkAccess(ws, docId, userId);
      if (!role || ws.readyState !== ws.OPEN) return leave();
    }
    const conn: DocConn = {
      ws,
      userId,
      role,
      awarenessIds: new Set(),
      awarenessBudget: new AwarenessBudget(),
    };
    ws.on('close', leave);
    room.addConn(conn);
    deliver = (data) => {
      try {
        const refusal = room.handleMessage(conn, data);
        if (refusal !== null) ws.close(refusal, 'refused');
      } catch (err) {
        if (!(err instanceof MalformedMessageError)) {
          // A bug of ours must cost one connection (the client resyncs), never the process.
          deps.log.error({ err, docId, userId }, 'handling a yjs message failed');
          ws.close(CLOSE_CODES.goingAway, 'internal error, retry');
          return;
        }
        deps.stats.malformedClosed++;
        deps.log.debug({ docId, userId, reason: err.message }, 'closing on malformed message');
        ws.close(CLOSE_CODES.malformedMessage, 'malformed message');
      }
    };
    for (const data of queued.splice(0)) deliver(data);
  }

  return {
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!url.pathname.startsWith(YJS_PATH_PREFIX)) return false;
      if (closing) {
        socket.destroy();
        return true;
      }
      const docId = decodeURIComponent(url.pathname.slice(YJS_PATH_PREFIX.length));
      wss.handleUpgrade(req, socket, head, (ws) => {
        alive.add(ws);
        ws.on('pong', () => alive.add(ws));
        ws.on('error', (err) => deps.log.debug({ err, docId }, 'yjs socket error'));
        // `ws` closes an over-limit frame with 1009 before any listener runs; use our named code.
        const close = ws.close.bind(ws);
        ws.close = (code?: number, reason?: string | Buffer) => {
          if (code === WS_MESSAGE_TOO_BIG) deps.stats.malformedClosed++;
          close(code === WS_MESSAGE_TOO_BIG ? CLOSE_CODES.messageTooLarge : code, reason);
        };
        if (!UUID.test(docId)) {
          ws.close(CLOSE_CODES.notFound, 'no such document');
          return;
        }
        onConnection(ws, docId, url.searchParams.get('ticket')).catch((err: unknown) => {
          deps.log.error({ err, docId }, 'yjs connection failed');
          ws.close(CLOSE_CODES.goingAway, 'internal error, retry');
        });
      });
      return true;
    },
    revoke(revocation) {
      let closed = 0;
      for (const ws of wss.clients) {
        const owner = owners.get(ws);
        if (owner && revocationCovers(revocation, owner.userId, owner.sessionId)) {
          ws.close(CLOSE_CODES.unauthorized, 'session ended');
          closed++;
        }
      }
      return closed;
    },
    close() {
      closing = true;
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.close(CLOSE_CODES.goingAway, 'server shutting down');
      wss.close();
    },
  };
}
