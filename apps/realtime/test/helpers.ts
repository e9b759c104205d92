import { randomUUID } from 'node:crypto';
import type { Sql } from '@clapboard/server/db';
import { createLogger } from '@clapboard/server/logger';
import { createRedis, type Redis } from '@clapboard/server/redis';
import { createTestDatabase, testServices } from '@clapboard/server/testing';
import { signTicket } from '@clapboard/server/tickets';
import type { Role } from '@clapboard/shared/roles';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createRealtimeServer, type RealtimeDeps, type RealtimeServer } from '../src/server';

export const secret = 'test-secret-0123456789-0123456789-abcdef';

import { waitFor } from '@clapboard/server/testing';

export { waitFor };

/** Inserts a user. */
export async function createUser(sql: Sql, name = 'User'): Promise<string> {
  const id = randomUUID();
  await sql`insert into users (id, email, name, password_hash) values (${id}, ${`${id}@example.com`}, ${name}, 'x')`;
  return id;
}

/** Inserts a project with the given members. */
export async function createProject(sql: Sql, members: Record<string, Role>): Promise<string> {
  const id = randomUUID();
  await sql`insert into projects (id, name) values (${id}, 'Test')`;
  for (const [userId, role] of Object.entries(members)) {
    await sql`insert into project_members (project_id, user_id, role) values (${id}, ${userId}, ${role})`;
  }
  return id;
}

/** Signs a ticket for a member (the role in it is informational; the server reads Postgres). */
export async function ticketFor(userId: string, projectId: string, role: Role = 'editor', ttlSec?: number) {
  return (await signTicket(secret, { userId, projectId, name: 'Test', role }, ttlSec)).ticket;
}

/** Starts a realtime server on port 0 (or `port`) against the test database and Redis. */
export async function startServer(
  deps: { sql: Sql; redis: Redis } & Partial<RealtimeDeps>,
  port = 0,
): Promise<{ server: RealtimeServer; port: number; url: string }> {
  const server = createRealtimeServer({
    log: createLogger('rt-test', { level: (process.env.RT_TEST_LOG as 'warn') ?? 'silent' }),
    jwtSecret: secret,
    docIdleMs: 200,
    ...deps,
  });
  const bound = await server.listen(port, '127.0.0.1');
  return { server, port: bound, url: `ws://127.0.0.1:${bound}/yjs` };
}

export interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy(): void;
}

/** The official y-websocket provider over `ws` (BroadcastChannel off: it would sync in-process). */
export function connectClient(url: string, projectId: string, ticket: string, doc = new Y.Doc()): Client {
  const provider = new WebsocketProvider(url, projectId, doc, {
    // biome-ignore lint/suspicious/noExplicitAny: ws implements the browser WebSocket surface the provider uses
    WebSocketPolyfill: WebSocket as any,
    params: { ticket },
    disableBc: true,
    maxBackoffTime: 300,
  });
  return {
    doc,
    provider,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Resolves when the provider has completed the sync handshake. */
export function synced(client: Client, timeoutMs = 5_000): Promise<unknown> {
  return waitFor(() => client.provider.synced, timeoutMs, 'sync');
}

/** Opens a raw WebSocket and resolves with the close code the server sends. */
export function closeCodeOf(url: string, onOpen?: (ws: WebSocket) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('open', () => onOpen?.(ws));
    ws.on('close', (code) => resolve(code));
    ws.on('error', reject);
  });
}

/** The script text stored in Postgres for a document (snapshot + rows). */
export async function storedScript(sql: Sql, docId: string): Promise<string> {
  const { loadDocument } = await import('@clapboard/server/documents');
  const { doc } = await loadDocument(sql, docId);
  const text = doc.getText('script').toString();
  doc.destroy();
  return text;
}

export { Y };

/**
 * A realtime server on its own test database and the shared Redis, for a test file: call in
 * `beforeAll`, and `close()` in `afterAll` (server, Redis connection, database).
 */
export async function startTestRealtime(opts: { socketKey?: string } = {}) {
  const { databaseUrl, redisUrl } = testServices(process.env);
  const db = await createTestDatabase(databaseUrl);
  const redis = createRedis(redisUrl);
  const started = await startServer({ sql: db.sql, redis, ...opts });
  return {
    db,
    redis,
    server: started.server,
    /** Socket.IO's base URL. */
    base: `http://127.0.0.1:${started.port}`,
    /** The Yjs WebSocket base URL. */
    yjsUrl: started.url,
    async close() {
      await started.server.close();
      redis.disconnect();
      await db.drop();
    },
  };
}
