import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Sql } from '@clapboard/server/db';
import { documentMergeStats } from '@clapboard/server/documents';
import { closeServer, listen } from '@clapboard/server/http';
import { once } from '@clapboard/server/lifecycle';
import type { Logger } from '@clapboard/server/logger';
import { createMetricsRegistry, handleMetrics, realtimeMetrics } from '@clapboard/server/metrics';
import type { Redis } from '@clapboard/server/redis';
import { subscribeRevocations } from '@clapboard/server/sessions';
import { projectRoom } from '@clapboard/shared/events';
import { CLOSE_CODES } from '@clapboard/shared/protocol';
import { handleHealth } from './http/health';
import { type MembershipWatch, watchMembership } from './membership/watch-membership';
import { watchStaleApprovals } from './review/watch-stale-approvals';
import { createSocketServer, type RealtimeIo } from './socket/create-socket-server';
import { disconnectRevoked } from './socket/disconnect-revoked';
import { leaveProjectRooms, registerWatchHandlers } from './socket/register-watch-handlers';
import { DocRooms } from './yjs/doc-rooms';
import { createRealtimeStats, type RealtimeStats } from './yjs/realtime-stats';
import { createYjsEndpoint } from './yjs/yjs-endpoint';

export interface RealtimeDeps {
  sql: Sql;
  redis: Redis;
  log: Logger;
  jwtSecret: string;
  corsOrigins?: string[];
  /** Redis key Socket.IO's adapter shares with emitters (API, workers); default `socket.io`. */
  socketKey?: string;
  /** REDIS_PREFIX: namespace of the session deny-list and revocation channel; default `clapboard`. */
  redisPrefix?: string;
  /** Id stamped on this instance's Redis messages; default a random UUID. */
  instanceId?: string;
  /** Persistence batch window (ms); default 10. */
  batchDelayMs?: number;
  /** Tests: how long a newly opened document publishes before another instance answers (ms). */
  syncAnswerWaitMs?: number;
  /** Tests: how often instances sharing a document say `here` with their state vector (ms). */
  hereEveryMs?: number;
  /** Keep an unused document in memory this long (ms); default 5000. */
  docIdleMs?: number;
  /** Compact a document after this many persisted updates; default 500. */
  compactAfterUpdates?: number;
  /** Compact documents with unfolded updates this often (ms); default 30 000. */
  compactIntervalMs?: number;
  /** Bearer token `/metrics` requires (METRICS_TOKEN); unset: open to whoever reaches the port. */
  metricsToken?: string;
}

export interface RealtimeServer {
  httpServer: Server;
  io: RealtimeIo;
  rooms: DocRooms;
  stats: RealtimeStats;
  instanceId: string;
  /** Starts LISTENing for membership changes, then listening; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Idempotent: stops accepting, closes connections, flushes every pending update, stops listening. */
  close(): Promise<void>;
}

/**
 * One Node HTTP server holding the health endpoints, Socket.IO (job and project rooms) and, on
 * upgrade of `/yjs/<projectId>`, the Yjs document sync.
 */
export function createRealtimeServer(deps: RealtimeDeps): RealtimeServer {
  const instanceId = deps.instanceId ?? randomUUID();
  const stats = createRealtimeStats();
  const registry = createMetricsRegistry('realtime');
  const metrics = realtimeMetrics(registry, () => ({
    documents: rooms.size,
    connections: rooms.connections,
    socketConnections: io.engine.clientsCount,
    updatesAccepted: stats.updatesAccepted,
    persistErrors: stats.persistErrors,
    relayedUpdatesStored: stats.relayedUpdatesStored,
    updatesAlreadyStored: stats.updatesAlreadyStored,
  }));
  const rooms = new DocRooms({
    sql: deps.sql,
    redis: deps.redis,
    log: deps.log,
    stats,
    instanceId,
    idleMs: deps.docIdleMs,
    batchDelayMs: deps.batchDelayMs,
    syncAnswerWaitMs: deps.syncAnswerWaitMs,
    hereEveryMs: deps.hereEveryMs,
    compactAfterUpdates: deps.compactAfterUpdates,
    compactIntervalMs: deps.compactIntervalMs,
    onPersisted: (docId) => staleWatch.documentPersisted(docId),
    onDurable: metrics.observeDurableMs,
  });
  const staleWatch = watchStaleApprovals({
    sql: deps.sql,
    log: deps.log,
    doc: (projectId) => rooms.get(projectId)?.doc,
    report: ({ projectId, ...payload }) =>
      io.to(projectRoom(projectId)).emit('approval:changed', {
        projectId,
        type: 'approval:changed',
        payload,
        at: new Date().toISOString(),
      }),
  });
  let watch: MembershipWatch | undefined;
  let revocations: { close(): void } | undefined;
  const membership: MembershipWatch = {
    generation: (projectId, userId) => watch?.generation(projectId, userId) ?? 0,
    close: async () => watch?.close(),
  };

  const httpServer = createServer((req, res) => {
    handleHealth(req, res, {
      sql: deps.sql,
      redis: deps.redis,
      extra: () => ({
        instanceId,
        sockets: io.engine.clientsCount,
        documents: rooms.size,
        docConnections: rooms.connections,
        pendingWrites: rooms.pendingWrites,
        persistLatencyMs: rooms.persist.persistLatency(),
        // How folds of stored rows (on closing a document) ran: small documents inline, large ones on
        // the merge thread (an inline fallback means that thread is broken). Open documents compact
        // from memory (`compactionsFromMemory` in the stats).
        compactionMerges: { ...documentMergeStats },
        ...stats,
      }),
    })
      .then((handled) => handled || handleMetrics(req, res, registry, deps.metricsToken))
      .then((handled) => {
        if (handled) return;
        // Socket.IO attaches its own request listener for /socket.io; everything else is unknown.
        if ((req.url ?? '').startsWith('/socket.io')) return;
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'not_found', message: 'Not found.' } }));
      })
      .catch((err: unknown) => {
        deps.log.error({ err }, 'health handler failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  const io = createSocketServer({ ...deps, httpServer });
  registerWatchHandlers(io, deps);
  const redisPrefix = deps.redisPrefix ?? 'clapboard';
  const yjs = createYjsEndpoint({
    sql: deps.sql,
    log: deps.log,
    jwtSecret: deps.jwtSecret,
    redis: deps.redis,
    redisPrefix,
    rooms,
    membership,
    stats,
  });
  // Registered after Socket.IO's: engine.io ignores paths that are not its own.
  httpServer.on('upgrade', (req, socket, head) => {
    yjs.handleUpgrade(req, socket, head);
  });

  return {
    httpServer,
    io,
    rooms,
    stats,
    instanceId,
    listen: async (port, host = '0.0.0.0') => {
      watch ??= await watchMembership(deps.sql, deps.log, {
        onMemberChanged(projectId, userId, role) {
          rooms.get(projectId)?.applyRoleChange(userId, role);
          if (!role) leaveProjectRooms(io, projectId, userId);
        },
        onProjectDeleted(projectId) {
          rooms.get(projectId)?.closeAll(CLOSE_CODES.notFound, 'project deleted');
          leaveProjectRooms(io, projectId);
        },
      });
      // Logout, password change, sign out everywhere and deletion close the sessions' sockets here.
      revocations ??= await subscribeRevocations(deps.redis, redisPrefix, deps.log, (revocation) => {
        const docs = yjs.revoke(revocation);
        const sockets = disconnectRevoked(io, revocation);
        if (docs + sockets > 0)
          deps.log.info(
            { userId: revocation.userId, reason: revocation.reason, docs, sockets },
            'closed revoked sessions',
          );
      });
      return listen(httpServer, port, host, 'REALTIME_PORT');
    },
    close: once(async () => {
      revocations?.close();
      yjs.close();
      await rooms.closeAll();
      staleWatch.close();
      await membership.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await closeServer(httpServer);
    }),
  };
}
