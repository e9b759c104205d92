import { createLogger } from '@clapboard/server/logger';
import { createRedis, type Redis } from '@clapboard/server/redis';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import { signTicket } from '@clapboard/server/tickets';
import { type ConnectErrorCode, connectErrorCodeSchema } from '@clapboard/shared/events';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealtimeServer, type RealtimeServer } from '../src/server';

const secret = 'test-secret-0123456789-0123456789-abcdef';
const claims = {
  userId: '00000000-0000-4000-8000-000000000001',
  name: 'Ada',
  projectId: '00000000-0000-4000-8000-000000000002',
  role: 'editor' as const,
};

describe('realtime server', () => {
  let db: TestDatabase;
  let redis: Redis;
  let server: RealtimeServer;
  let base: string;

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    redis = createRedis(redisUrl);
    server = createRealtimeServer({
      sql: db.sql,
      redis,
      log: createLogger('rt-test', { level: 'silent' }),
      jwtSecret: secret,
    });
    const port = await server.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server.close();
    await server.close(); // idempotent
    redis.disconnect();
    await db.drop();
  });

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: true, redis: true } });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  const attempt = (auth: Record<string, unknown>) =>
    new Promise<{ ok: true; socket: Socket } | { ok: false; message: string; code: ConnectErrorCode }>(
      (resolve) => {
        const socket = connect(base, { auth, transports: ['websocket'], reconnection: false });
        socket.once('connect', () => resolve({ ok: true, socket }));
        socket.once('connect_error', (err) => {
          socket.close();
          // The code is one of the closed list both ends share.
          const code = connectErrorCodeSchema.parse(
            (err as Error & { data?: { code?: unknown } }).data?.code,
          );
          resolve({ ok: false, message: err.message, code });
        });
      },
    );

  it('accepts a Socket.IO handshake with a valid ticket', async () => {
    const { ticket } = await signTicket(secret, claims);
    const result = await attempt({ ticket });
    expect(result.ok).toBe(true);
    if (result.ok) result.socket.close();
  });

  it('refuses a missing, forged or expired ticket with its reason', async () => {
    expect(await attempt({})).toEqual({ ok: false, message: 'unauthorized', code: 'unauthorized' });
    const { ticket: forged } = await signTicket('some-other-secret-0123456789-0123456789', claims);
    expect(await attempt({ ticket: forged })).toEqual({
      ok: false,
      message: 'unauthorized',
      code: 'unauthorized',
    });
    const { ticket: expired } = await signTicket(secret, claims, -5);
    expect(await attempt({ ticket: expired })).toEqual({
      ok: false,
      message: 'ticket_expired',
      code: 'ticket_expired',
    });
  });
});
