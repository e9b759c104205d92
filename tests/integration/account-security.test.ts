import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase, testServices, waitFor } from '@clapboard/server/testing';
import {
  adminPasswordResetResponseSchema,
  authOptionsSchema,
  authResponseSchema,
  ownedProjectsBlockingSchema,
  passwordResetAcceptedSchema,
  registerResponseSchema,
} from '@clapboard/shared/api';
import { errorBodySchema } from '@clapboard/shared/errors';
import type { ClientToServerEvents, ServerToClientEvents } from '@clapboard/shared/events';
import { CLOSE_CODES } from '@clapboard/shared/protocol';
import { ticketResponseSchema } from '@clapboard/shared/tickets';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { type RunningServices, startServices } from '../support/service-processes';

type SocketClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Limits of the API under attack, small so the probes stay short (docs/security.md has the defaults). */
const LIMITS = {
  REGISTER_RATE_PER_IP: 5,
  REGISTER_RATE_PER_EMAIL: 2,
  LOGIN_RATE_PER_IP: 12,
  LOGIN_FAILURES_BEFORE_BACKOFF: 3,
};
const PASSWORD = 'correct horse battery';

interface Session {
  userId: string;
  email: string;
  token: string;
  cookie: string;
}

/**
 * The hostile probes of issue 17 (accounts) against the real api and realtime processes, real
 * Postgres and Redis. The API runs with TRUST_PROXY=true, as behind a reverse proxy, so each probe
 * speaks from the address it names in X-Forwarded-For.
 */
describe('account security against the real stack', () => {
  let db: TestDatabase;
  let svc: RunningServices;
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-accounts-'));
  const closers: (() => void)[] = [];
  let addressSeq = 0;
  /** A fresh client address (TEST-NET-3), so probes never share a rate-limit bucket by accident. */
  const freshIp = () => `203.0.113.${++addressSeq}`;

  const call = async (
    method: string,
    path: string,
    opts: { ip?: string; token?: string; cookie?: string; json?: unknown } = {},
  ) => {
    const headers: Record<string, string> = { 'x-forwarded-for': opts.ip ?? '198.51.100.1' };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.cookie) headers.cookie = `cb_refresh=${opts.cookie}`;
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${svc.apiUrl}/api/v1${path}`, {
      method,
      headers,
      body: opts.json === undefined ? undefined : JSON.stringify(opts.json),
    });
    const text = await res.text();
    const cookie = res.headers
      .getSetCookie()
      .map((c) => /^cb_refresh=([^;]*)/.exec(c)?.[1])
      .find((v) => v !== undefined);
    return {
      status: res.status,
      headers: res.headers,
      body: text ? (JSON.parse(text) as unknown) : null,
      cookie,
    };
  };

  const signIn = async (email: string, password = PASSWORD, ip = freshIp()): Promise<Session> => {
    const res = await call('POST', '/auth/login', { ip, json: { email, password } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = authResponseSchema.parse(res.body);
    return { userId: body.user.id, email, token: body.accessToken, cookie: res.cookie! };
  };
  const signUp = async (label: string): Promise<Session> => {
    const email = `${label}-${Date.now()}-${addressSeq}@attack.test`;
    const ip = freshIp();
    const res = await call('POST', '/auth/register', {
      ip,
      json: { email, password: PASSWORD, name: label },
    });
    expect(res.status).toBe(201);
    return signIn(email, PASSWORD, ip);
  };
  const newProject = async (owner: Session, name: string) => {
    const res = await call('POST', '/projects', { token: owner.token, json: { name } });
    expect(res.status).toBe(201);
    return (res.body as { id: string }).id;
  };
  const ticket = async (s: Session, projectId: string) => {
    const res = await call('POST', '/realtime/tickets', { token: s.token, json: { projectId } });
    expect(res.status).toBe(200);
    return ticketResponseSchema.parse(res.body).ticket;
  };

  /** The official y-websocket provider, resolving once synced; `closed` resolves with the first close code. */
  const openDoc = async (s: Session, projectId: string) => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`${svc.realtimeUrl.replace(/^http/, 'ws')}/yjs`, projectId, doc, {
      // biome-ignore lint/suspicious/noExplicitAny: ws implements the browser WebSocket surface the provider uses
      WebSocketPolyfill: WebSocket as any,
      params: { ticket: await ticket(s, projectId) },
      disableBc: true,
    });
    const closed = new Promise<{ code: number; at: number }>((resolve) =>
      provider.once('connection-close', (event) => {
        provider.shouldConnect = false; // no reconnect with the same ticket
        resolve({ code: event?.code ?? 0, at: Date.now() });
      }),
    );
    closers.push(() => {
      provider.destroy();
      doc.destroy();
    });
    await waitFor(() => provider.synced, 10_000, 'yjs sync');
    return { provider, closed };
  };
  /** A Socket.IO client watching the project; `disconnected` resolves when the server drops it. */
  const openSocket = async (s: Session, projectId: string) => {
    const socket: SocketClient = io(svc.realtimeUrl, {
      auth: { ticket: await ticket(s, projectId) },
      transports: ['websocket'],
      reconnection: false,
    });
    closers.push(() => socket.close());
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const disconnected = new Promise<{ reason: string; at: number }>((resolve) =>
      socket.once('disconnect', (reason) => resolve({ reason, at: Date.now() })),
    );
    return { socket, disconnected };
  };

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    svc = await startServices({
      databaseUrl: db.url,
      redisUrl,
      dataDir: dir,
      only: ['api', 'realtime'],
      env: {
        TRUST_PROXY: 'true',
        ...Object.fromEntries(Object.entries(LIMITS).map(([k, v]) => [k, String(v)])),
      },
    });
  });
  afterAll(async () => {
    for (const close of closers) close();
    await svc?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registration: 30 concurrent sign-ups from one address create at most the limit, then 429 with Retry-After; another address still registers', async () => {
    const ip = freshIp();
    const stamp = Date.now();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call('POST', '/auth/register', {
          ip,
          json: { email: `flood-${stamp}-${i}@attack.test`, password: PASSWORD, name: 'Flood' },
        }),
      ),
    );
    const accepted = results.filter((r) => r.status === 201).length;
    const limited = results.filter((r) => r.status === 429);
    expect(accepted).toBe(LIMITS.REGISTER_RATE_PER_IP);
    expect(limited).toHaveLength(30 - LIMITS.REGISTER_RATE_PER_IP);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(errorBodySchema.parse(limited[0]!.body).error.code).toBe('rate_limited');
    const [created] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from users where email like ${`flood-${stamp}-%`}`;
    expect(created!.n).toBe(LIMITS.REGISTER_RATE_PER_IP);
    // A different address is not affected.
    const other = await call('POST', '/auth/register', {
      ip: freshIp(),
      json: { email: `other-${stamp}@attack.test`, password: PASSWORD, name: 'Other' },
    });
    expect(other.status).toBe(201);
  });

  it('registration of a taken email creates nothing and says nothing of the account; one email is limited across addresses', async () => {
    const owner = await signUp('taken');
    const taken = await call('POST', '/auth/register', {
      ip: freshIp(),
      json: { email: owner.email, password: 'an attacker password', name: 'Probe' },
    });
    const fresh = await call('POST', '/auth/register', {
      ip: freshIp(),
      json: { email: `free-${Date.now()}@attack.test`, password: PASSWORD, name: 'Probe' },
    });
    // A new email is signed in (the fixed contract); a taken one gets 202, no session, no statement.
    expect(fresh.status).toBe(201);
    expect(taken.status).toBe(202);
    expect(registerResponseSchema.parse(taken.body).message).not.toMatch(/exists|taken|already/i);
    expect(taken.cookie).toBeUndefined();
    // The owner's password is untouched.
    expect(
      (await call('POST', '/auth/login', { ip: freshIp(), json: { email: owner.email, password: PASSWORD } }))
        .status,
    ).toBe(200);
    // Per email, over many addresses: the signUp above and the probe used 2 (the limit); the next is refused.
    const again = await call('POST', '/auth/register', {
      ip: freshIp(),
      json: { email: owner.email, password: 'an attacker password', name: 'Probe' },
    });
    expect(again.status).toBe(429);
  });

  it('login: one address spraying accounts gets 429 after the limit; another address still signs in', async () => {
    const victim = await signUp('spray-victim');
    const ip = freshIp();
    for (let i = 0; i < LIMITS.LOGIN_RATE_PER_IP; i++) {
      const res = await call('POST', '/auth/login', {
        ip,
        json: { email: `spray-${i}@attack.test`, password: 'guess-guess-guess' },
      });
      expect(res.status).toBe(401);
    }
    const limited = await call('POST', '/auth/login', {
      ip,
      json: { email: victim.email, password: PASSWORD },
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(
      (
        await call('POST', '/auth/login', {
          ip: freshIp(),
          json: { email: victim.email, password: PASSWORD },
        })
      ).status,
    ).toBe(200);
  });

  it('the right password works from another address during an attack on the account from many addresses', async () => {
    const victim = await signUp('besieged');
    const attackers = Array.from({ length: 5 }, freshIp);
    const statuses: number[] = [];
    // Ten wrong passwords from each of five addresses: each address backs off after its third.
    for (let round = 0; round < 10; round++)
      for (const ip of attackers) {
        const res = await call('POST', '/auth/login', {
          ip,
          json: { email: victim.email, password: `wrong-${round}-guess` },
        });
        statuses.push(res.status);
      }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(
      5 * (10 - LIMITS.LOGIN_FAILURES_BEFORE_BACKOFF) - 5,
    );
    // An attacking address is refused even with the right password while it backs off...
    expect(
      (
        await call('POST', '/auth/login', {
          ip: attackers[0],
          json: { email: victim.email, password: PASSWORD },
        })
      ).status,
    ).toBe(429);
    // ...and the real user, from their own address, signs in.
    const real = await call('POST', '/auth/login', {
      ip: freshIp(),
      json: { email: victim.email, password: PASSWORD },
    });
    expect(real.status).toBe(200);
  });

  it('logout: the access token is refused within 1 s over HTTP, and that session’s Yjs and Socket.IO connections close; the other session keeps working', async () => {
    const first = await signUp('leaving');
    const second = await signIn(first.email);
    const projectId = await newProject(first, 'Logout probe');
    const doc = await openDoc(first, projectId);
    const sock = await openSocket(first, projectId);
    const otherDoc = await openDoc(second, projectId);
    const otherSock = await openSocket(second, projectId);
    const preIssued = await ticket(first, projectId);
    expect((await call('GET', '/me', { token: first.token })).status).toBe(200);

    const t0 = Date.now();
    expect((await call('POST', '/auth/logout', { cookie: first.cookie })).status).toBe(204);
    let refusedAt = 0;
    while (Date.now() - t0 < 1_000) {
      if ((await call('GET', '/me', { token: first.token })).status === 401) {
        refusedAt = Date.now();
        break;
      }
    }
    expect(refusedAt, 'access token still accepted 1 s after logout').toBeGreaterThan(0);
    const [closed, dropped] = await Promise.all([
      within(doc.closed, 2_000, 'yjs close'),
      within(sock.disconnected, 2_000, 'socket disconnect'),
    ]);
    expect(closed.code).toBe(CLOSE_CODES.unauthorized);
    expect(closed.at - t0).toBeLessThan(1_000);
    expect(dropped.reason).toBe('io server disconnect');
    expect(dropped.at - t0).toBeLessThan(1_000);

    // A ticket issued before the logout opens nothing afterwards.
    const late = io(svc.realtimeUrl, {
      auth: { ticket: preIssued },
      transports: ['websocket'],
      reconnection: false,
    });
    closers.push(() => late.close());
    await expect(
      new Promise((resolve, reject) => {
        late.once('connect', () => resolve('connected'));
        late.once('connect_error', (err) => reject(err));
      }),
    ).rejects.toThrow(/unauthorized/);
    // The same user's other session is untouched.
    expect((await call('GET', '/me', { token: second.token })).status).toBe(200);
    expect(otherDoc.provider.wsconnected).toBe(true);
    expect(otherSock.socket.connected).toBe(true);
  });

  it('3 concurrent refreshes from one browser keep the session in 20 of 20 trials', async () => {
    const user = await signUp('tabs');
    let cookie = user.cookie;
    let kept = 0;
    for (let trial = 0; trial < 20; trial++) {
      const tabs = await Promise.all([0, 1, 2].map(() => call('POST', '/auth/refresh', { cookie })));
      const ok = tabs.every((t) => t.status === 200);
      const cookies = new Set(tabs.map((t) => t.cookie));
      if (ok && cookies.size === 1) {
        cookie = tabs[0]!.cookie!;
        const access = authResponseSchema.parse(tabs[2]!.body).accessToken;
        if ((await call('GET', '/me', { token: access })).status === 200) kept++;
      } else break;
    }
    expect(kept).toBe(20);
    // The session is still alive after the trials.
    expect((await call('POST', '/auth/refresh', { cookie })).status).toBe(200);
  });

  it('password change needs the current password, ends every other session (HTTP and sockets) and keeps this one', async () => {
    const here = await signUp('changer');
    const elsewhere = await signIn(here.email);
    const projectId = await newProject(here, 'Password probe');
    const remoteDoc = await openDoc(elsewhere, projectId);
    const remoteSock = await openSocket(elsewhere, projectId);

    const wrong = await call('POST', '/me/password', {
      token: here.token,
      json: { currentPassword: 'not the password', newPassword: 'a new long password' },
    });
    expect(wrong.status).toBe(403);
    const t0 = Date.now();
    const changed = await call('POST', '/me/password', {
      token: here.token,
      json: { currentPassword: PASSWORD, newPassword: 'a new long password' },
    });
    expect(changed.status).toBe(204);
    expect((await call('GET', '/me', { token: elsewhere.token })).status).toBe(401);
    expect((await call('POST', '/auth/refresh', { cookie: elsewhere.cookie })).status).toBe(401);
    const [closed, dropped] = await Promise.all([
      within(remoteDoc.closed, 2_000, 'yjs close'),
      within(remoteSock.disconnected, 2_000, 'socket disconnect'),
    ]);
    expect(closed.at - t0).toBeLessThan(1_000);
    expect(dropped.at - t0).toBeLessThan(1_000);
    // This session goes on; the old password is gone, the new one works.
    expect((await call('GET', '/me', { token: here.token })).status).toBe(200);
    expect((await call('POST', '/auth/refresh', { cookie: here.cookie })).status).toBe(200);
    expect(
      (await call('POST', '/auth/login', { ip: freshIp(), json: { email: here.email, password: PASSWORD } }))
        .status,
    ).toBe(401);
    await signIn(here.email, 'a new long password');
  });

  it('sign out everywhere ends every session of the user at once', async () => {
    const a = await signUp('everywhere');
    const b = await signIn(a.email);
    const projectId = await newProject(a, 'Everywhere probe');
    const sockB = await openSocket(b, projectId);
    expect((await call('POST', '/auth/logout-all', { token: a.token })).status).toBe(204);
    expect((await call('GET', '/me', { token: a.token })).status).toBe(401);
    expect((await call('GET', '/me', { token: b.token })).status).toBe(401);
    expect((await call('POST', '/auth/refresh', { cookie: b.cookie })).status).toBe(401);
    await within(sockB.disconnected, 2_000, 'socket disconnect');
  });

  it('without SMTP: the UI is told to ask an admin, an admin issues a reset link, and it works exactly once', async () => {
    expect(authOptionsSchema.parse((await call('GET', '/auth/options')).body).passwordReset).toBe('admin');
    const user = await signUp('forgetful');
    const asked = await call('POST', '/auth/password-reset', { ip: freshIp(), json: { email: user.email } });
    const unknown = await call('POST', '/auth/password-reset', {
      ip: freshIp(),
      json: { email: 'ghost@attack.test' },
    });
    expect(asked.status).toBe(202);
    expect(passwordResetAcceptedSchema.parse(asked.body)).toEqual(
      passwordResetAcceptedSchema.parse(unknown.body),
    );
    expect(passwordResetAcceptedSchema.parse(asked.body).delivery).toBe('admin');

    const admin = await signUp('admin');
    expect(
      (await call('POST', '/admin/password-resets', { token: admin.token, json: { email: user.email } }))
        .status,
    ).toBe(403);
    await db.sql`update users set is_admin = true where id = ${admin.userId}`;
    const issued = await call('POST', '/admin/password-resets', {
      token: admin.token,
      json: { email: user.email },
    });
    expect(issued.status).toBe(201);
    const { url } = adminPasswordResetResponseSchema.parse(issued.body);
    expect(url.startsWith(`${svc.env.PUBLIC_URL}/reset-password#token=`)).toBe(true);
    const token = url.split('#token=')[1]!;

    const used = await call('POST', '/auth/password-reset/confirm', {
      json: { token, password: 'reset long password' },
    });
    expect(used.status).toBe(204);
    const again = await call('POST', '/auth/password-reset/confirm', {
      json: { token, password: 'second long password' },
    });
    expect(again.status).toBe(400);
    // The reset ended the sessions that existed; the new password signs in, neither other one does.
    expect((await call('GET', '/me', { token: user.token })).status).toBe(401);
    await signIn(user.email, 'reset long password');
    expect(
      (
        await call('POST', '/auth/login', {
          ip: freshIp(),
          json: { email: user.email, password: 'second long password' },
        })
      ).status,
    ).toBe(401);
  });

  it('account deletion: refused (409, listing them) while the sole owner of projects with members; after a transfer it deletes the account, its sole-member projects and its connections', async () => {
    const owner = await signUp('departing');
    const member = await signUp('staying');
    const shared = await newProject(owner, 'Shared film');
    const solo = await newProject(owner, 'Solo sketch');
    expect(
      (
        await call('POST', `/projects/${shared}/members`, {
          token: owner.token,
          json: { email: member.email, role: 'editor' },
        })
      ).status,
    ).toBe(201);

    expect(
      (await call('DELETE', '/me', { token: owner.token, json: { password: 'wrong password' } })).status,
    ).toBe(403);
    const refused = await call('DELETE', '/me', { token: owner.token, json: { password: PASSWORD } });
    expect(refused.status).toBe(409);
    const details = ownedProjectsBlockingSchema.parse(errorBodySchema.parse(refused.body).error.details);
    expect(details.projects).toEqual([{ id: shared, name: 'Shared film', otherMembers: 1 }]);
    expect((await call('GET', '/me', { token: owner.token })).status).toBe(200);

    // Ownership transferred: the member becomes an owner.
    expect(
      (
        await call('PATCH', `/projects/${shared}/members/${member.userId}`, {
          token: owner.token,
          json: { role: 'owner' },
        })
      ).status,
    ).toBe(200);
    const sock = await openSocket(owner, shared);
    const t0 = Date.now();
    expect((await call('DELETE', '/me', { token: owner.token, json: { password: PASSWORD } })).status).toBe(
      204,
    );
    expect((await call('GET', '/me', { token: owner.token })).status).toBe(401);
    expect((await within(sock.disconnected, 2_000, 'socket disconnect')).at - t0).toBeLessThan(1_000);
    expect(
      (await call('POST', '/auth/login', { ip: freshIp(), json: { email: owner.email, password: PASSWORD } }))
        .status,
    ).toBe(401);
    const [gone] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from users where id = ${owner.userId}`;
    expect(gone!.n).toBe(0);
    const projects = await db.sql<{ id: string; deleted: boolean }[]>`
      select id, deleted_at is not null as deleted from projects where id in (${shared}, ${solo})`;
    expect(Object.fromEntries(projects.map((p) => [p.id, p.deleted]))).toEqual({
      [shared]: false,
      [solo]: true,
    });
    // The shared project lives on for its new owner.
    expect((await call('GET', `/projects/${shared}`, { token: member.token })).status).toBe(200);
  });
});

/** `promise`, or a rejection naming `what` when it has not settled within `ms` (a close that never comes). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms),
    ),
  ]);
}

/** Polls `check` until truthy or `timeoutMs` passes. */
