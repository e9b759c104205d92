import { createLogger } from '@clapboard/server/logger';
import type { Redis } from '@clapboard/server/redis';
import { createRedis } from '@clapboard/server/redis';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import { YJS_MESSAGE } from '@clapboard/shared/protocol';
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeServer } from '../src/server';
import {
  closeCodeOf,
  connectClient,
  createProject,
  createUser,
  startServer,
  storedScript,
  synced,
  ticketFor,
  waitFor,
} from './helpers';

/** The value of the first sample `name{...}` (or `name`) whose line carries every label given. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const line = text
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) &&
        Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('realtime /metrics (real Postgres, Redis and y-websocket clients)', () => {
  let db: TestDatabase;
  let redis: Redis;
  let server: RealtimeServer;
  let url: string;
  let http: string;
  const token = 'realtime-metrics-token-0123';

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    redis = createRedis(redisUrl);
    const started = await startServer({ sql: db.sql, redis, metricsToken: token });
    server = started.server;
    url = started.url;
    http = `http://127.0.0.1:${started.port}`;
  });
  afterAll(async () => {
    await server.close();
    redis.disconnect();
    await db.drop();
  });

  const scrape = async () => {
    const res = await fetch(`${http}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('refuses a scrape without the bearer token', async () => {
    expect((await fetch(`${http}/metrics`)).status).toBe(401);
  });

  it('reports the open document, its connection and the durability lag of a real edit', async () => {
    const before = await scrape();
    const lagBefore = sample(before, 'clapboard_realtime_durable_lag_seconds_count') ?? 0;
    const user = await createUser(db.sql);
    const project = await createProject(db.sql, { [user]: 'owner' });
    const client = connectClient(url, project, await ticketFor(user, project));
    try {
      await synced(client);
      client.doc.getText('script').insert(0, 'INT. OBSERVATORY - NIGHT\n');
      await waitFor(
        async () => (await storedScript(db.sql, project)).startsWith('INT.'),
        5_000,
        'durability',
      );
      const after = await waitFor(async () => {
        const text = await scrape();
        return (sample(text, 'clapboard_realtime_durable_lag_seconds_count') ?? 0) > lagBefore ? text : '';
      });
      expect(sample(after, 'clapboard_realtime_documents_open')).toBe(1);
      expect(sample(after, 'clapboard_realtime_connections', { kind: 'document' })).toBe(1);
      expect(sample(after, 'clapboard_realtime_connections', { kind: 'socket' })).toBe(0);
      // A Socket.IO client (job and project rooms) is counted beside the document connections.
      const socket = ioClient(http, {
        auth: { ticket: await ticketFor(user, project) },
        transports: ['websocket'],
        reconnection: false,
      });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        const withSocket = await scrape();
        expect(sample(withSocket, 'clapboard_realtime_connections', { kind: 'socket' })).toBe(1);
        expect(sample(withSocket, 'clapboard_realtime_connections', { kind: 'document' })).toBe(1);
      } finally {
        socket.close();
      }
      expect(sample(after, 'clapboard_realtime_updates_accepted_total')).toBeGreaterThan(
        sample(before, 'clapboard_realtime_updates_accepted_total') ?? 0,
      );
      expect(sample(after, 'clapboard_realtime_durable_lag_seconds_bucket', { le: '+Inf' })).toBe(
        sample(after, 'clapboard_realtime_durable_lag_seconds_count'),
      );
    } finally {
      client.destroy();
    }
  });

  it('log lines about a document carry its docId', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('realtime', {
      level: 'debug',
      destination: { write: (chunk: string) => void lines.push(JSON.parse(chunk)) },
    });
    const own = await startServer({ sql: db.sql, redis, log });
    try {
      const user = await createUser(db.sql);
      const project = await createProject(db.sql, { [user]: 'editor' });
      const ws = `${own.url}/${project}?ticket=${await ticketFor(user, project)}`;
      await closeCodeOf(ws, (socket) => socket.send(Uint8Array.of(YJS_MESSAGE.sync, 7, 0)));
      await waitFor(() => lines.some((l) => l.msg === 'closing on malformed message'));
      expect(lines.find((l) => l.msg === 'closing on malformed message')).toMatchObject({
        service: 'realtime',
        docId: project,
        userId: user,
      });
    } finally {
      await own.server.close();
    }
  });
});
