import { createServer, type Server } from 'node:http';
import type { Sql } from '@clapboard/server/db';
import { closeServer, listen } from '@clapboard/server/http';
import { once } from '@clapboard/server/lifecycle';
import type { Logger } from '@clapboard/server/logger';
import type { Redis } from '@clapboard/server/redis';
import { handleHealth } from './http/health';
import { createSocketServer, type RealtimeIo } from './socket/create-socket-server';

export interface RealtimeDeps {
  sql: Sql;
  redis: Redis;
  log: Logger;
  jwtSecret: string;
  corsOrigins?: string[];
}

export interface RealtimeServer {
  httpServer: Server;
  io: RealtimeIo;
  /** Starts listening; resolves with the bound port (0 picks a free one). */
  listen(port: number, host?: string): Promise<number>;
  /** Idempotent: stops accepting, closes sockets and the HTTP server. */
  close(): Promise<void>;
}

/**
 * One Node HTTP server holding the health endpoints, Socket.IO (job and project rooms) and, on
 * upgrade of `/yjs/<projectId>`, the Yjs document sync.
 */
export function createRealtimeServer(deps: RealtimeDeps): RealtimeServer {
  const httpServer = createServer((req, res) => {
    handleHealth(req, res, {
      sql: deps.sql,
      redis: deps.redis,
      extra: () => ({ sockets: io.engine.clientsCount }),
    })
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

  return {
    httpServer,
    io,
    listen: (port, host = '0.0.0.0') => listen(httpServer, port, host, 'REALTIME_PORT'),
    close: once(async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await closeServer(httpServer);
    }),
  };
}
