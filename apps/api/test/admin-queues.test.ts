import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken } from '../src/auth/access-token';
import { createHarness, type Harness } from './harness';

describe('queue dashboard at /admin/queues (bull-board)', () => {
  let h: Harness;
  let admin: string;
  let member: string;
  beforeAll(async () => {
    h = await createHarness();
    const [a] = await h.db.sql<
      { id: string }[]
    >`insert into users (email, name, password_hash, is_admin) values ('root@test.co', 'Root', 'x', true) returning id`;
    const [m] = await h.db.sql<
      { id: string }[]
    >`insert into users (email, name, password_hash) values ('m@test.co', 'M', 'x') returning id`;
    admin = (await signAccessToken(h.deps.jwtSecret, { userId: a!.id })).token;
    member = (await signAccessToken(h.deps.jwtSecret, { userId: m!.id })).token;
  });
  afterAll(() => h.close());

  it('refuses anonymous and non-admin users', async () => {
    const anon = await h.app.request('/admin/queues');
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { error: { message: string } }).error.message).toMatch(/instance admin/);
    expect(
      (await h.app.request('/admin/queues', { headers: { authorization: `Bearer ${member}` } })).status,
    ).toBe(403);
    expect(
      (
        await h.app.request('/api/v1/admin/session', {
          method: 'POST',
          headers: { authorization: `Bearer ${member}` },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await h.app.request('/admin/queues/api/queues', {
          headers: { cookie: 'cb_admin=forged.token.value' },
        })
      ).status,
    ).toBe(401);
  });

  it('an admin gets a /admin-scoped httpOnly cookie and sees both queues', async () => {
    const session = await h.app.request('/api/v1/admin/session', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(session.status).toBe(204);
    const cookie = session.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^cb_admin=[\w.-]+; Max-Age=900; Path=\/admin; HttpOnly; SameSite=Strict$/);
    const page = await h.app.request('/admin/queues', { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Clapboard queues');
    const api = await h.app.request(
      '/admin/queues/api/queues?activeQueue=clapboard-cpu&page=1&jobsPerPage=10',
      { headers: { cookie: cookie.split(';')[0]! } },
    );
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['clapboard-cpu', 'clapboard-gpu']);
  });
});
