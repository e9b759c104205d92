import { authOptionsSchema, passwordResetAcceptedSchema } from '@clapboard/shared/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../src/mail/mailer';
import { PASSWORD, registerUser } from './fixtures';
import { createHarness, type Harness } from './harness';
import { type ReceivedMail, type SmtpSink, startSmtpSink } from './smtp-sink';

const json = { 'content-type': 'application/json' };

/** The text of a received message with quoted-printable soft breaks and escapes undone. */
const textOf = (mail: ReceivedMail) =>
  mail.data
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('password reset by email (nodemailer over real SMTP)', () => {
  let h: Harness;
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
    h = await createHarness({ mailer: createSmtpMailer(sink.url, 'Clapboard <no-reply@example.test>') });
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  const post = (path: string, body: unknown, ip = '192.0.2.10') =>
    h.app.request(path, { method: 'POST', headers: json, body: JSON.stringify(body) }, { ip });

  it('tells the UI links are emailed, mails a one-time link only to a real account, and the link works once', async () => {
    const options = await h.app.request('/api/v1/auth/options');
    expect(authOptionsSchema.parse(await options.json())).toEqual({ passwordReset: 'email' });
    const user = await registerUser(h, 'mailed');

    const unknown = await post('/api/v1/auth/password-reset', { email: 'ghost@example.test' });
    const known = await post('/api/v1/auth/password-reset', { email: user.email });
    expect(unknown.status).toBe(202);
    expect(known.status).toBe(202);
    const body = passwordResetAcceptedSchema.parse(await known.json());
    expect(body).toEqual(passwordResetAcceptedSchema.parse(await unknown.json()));
    expect(body.delivery).toBe('email');

    const mail = await waitFor(() => sink.messages.find((m) => m.to.includes(user.email)), 'the reset mail');
    expect(mail.from).toBe('no-reply@example.test');
    const link = /http:\/\/localhost:8787\/reset-password#token=([\w-]+)/.exec(textOf(mail));
    expect(link, textOf(mail)).not.toBeNull();
    expect(sink.messages.some((m) => m.to.includes('ghost@example.test'))).toBe(false);

    const token = link![1]!;
    expect(
      (await post('/api/v1/auth/password-reset/confirm', { token, password: 'mailed new password' })).status,
    ).toBe(204);
    expect(
      (await post('/api/v1/auth/password-reset/confirm', { token, password: 'another new password' })).status,
    ).toBe(400);
    // Every session that existed ended; the new password signs in.
    expect(
      (await h.app.request('/api/v1/me', { headers: { authorization: `Bearer ${user.token}` } })).status,
    ).toBe(401);
    expect(
      (await post('/api/v1/auth/login', { email: user.email, password: 'mailed new password' })).status,
    ).toBe(200);
  });

  it('a registration with a taken email tells its owner by mail, not the caller', async () => {
    const user = await registerUser(h, 'noticed');
    const res = await post(
      '/api/v1/auth/register',
      { email: user.email, password: 'an attacker password', name: 'X' },
      '192.0.2.11',
    );
    expect(res.status).toBe(202);
    const notice = await waitFor(() => sink.messages.find((m) => m.to.includes(user.email)), 'the notice');
    expect(textOf(notice)).toMatch(/already has an account/);
  });

  it('an expired link is refused', async () => {
    const user = await registerUser(h, 'late');
    await post('/api/v1/auth/password-reset', { email: user.email }, '192.0.2.12');
    const mail = await waitFor(() => sink.messages.find((m) => m.to.includes(user.email)), 'the reset mail');
    const token = /reset-password#token=([\w-]+)/.exec(textOf(mail))![1]!;
    await h.db
      .sql`update password_resets set expires_at = now() - interval '1 second' where user_id = ${user.id}`;
    expect(
      (await post('/api/v1/auth/password-reset/confirm', { token, password: 'too late password' })).status,
    ).toBe(400);
    expect(
      (await post('/api/v1/auth/login', { email: user.email, password: PASSWORD }, '192.0.2.13')).status,
    ).toBe(200);
  });
});

describe('account-wide sign-in ceiling (a distributed attack)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ loginRateLimit: { perIpAccount: 100, accountCeiling: 6 } });
  });
  afterAll(() => h.close());

  const login = (email: string, password: string, ip: string) =>
    h.app.request(
      '/api/v1/auth/login',
      { method: 'POST', headers: json, body: JSON.stringify({ email, password }) },
      { ip },
    );

  it('past the ceiling, addresses the account never signed in from get 429; the address it signed in from still works', async () => {
    const user = await registerUser(h, 'botnet-target');
    // registerUser signed in once from its own fixture address (10.0.x.y): that address is known.
    const knownIp = await (async () => {
      const [row] = await h.db.sql<
        { ip: string }[]
      >`select ip from refresh_tokens where user_id = ${user.id} limit 1`;
      return row!.ip;
    })();
    for (let i = 0; i < 6; i++)
      expect((await login(user.email, `wrong guess ${i}`, `198.18.0.${i}`)).status).toBe(401);
    const stranger = await login(user.email, PASSWORD, '198.18.1.1');
    expect(stranger.status).toBe(429);
    expect(Number(stranger.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login(user.email, PASSWORD, knownIp)).status).toBe(200);
  });
});
