import { verifyTicket } from '@clapboard/server/tickets';
import type { Member, Project } from '@clapboard/shared/api';
import { errorBodySchema } from '@clapboard/shared/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, auth, createProject, registerUser, type TestUser } from './fixtures';
import { createHarness, type Harness } from './harness';

describe('projects and members', () => {
  let h: Harness;
  let owner: TestUser;
  let editor: TestUser;
  let stranger: TestUser;
  beforeAll(async () => {
    h = await createHarness();
    [owner, editor, stranger] = await Promise.all([
      registerUser(h, 'owner'),
      registerUser(h, 'editor'),
      registerUser(h, 'stranger'),
    ]);
  });
  afterAll(() => h.close());

  const req = (user: TestUser, method: string, path: string, body?: unknown) =>
    h.app.request(path, {
      method,
      headers: auth(user.token),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const auditCount = async (projectId: string, action: string) => {
    const [row] = await h.db.sql<{ n: number }[]>`
      select count(*)::int as n from audit_log where project_id = ${projectId} and action = ${action}`;
    return row!.n;
  };

  it('creates a project with default settings and the creator as owner, and audits it', async () => {
    const res = await req(owner, 'POST', '/api/v1/projects', { name: '  Pilot ', settings: { fps: 30 } });
    expect(res.status).toBe(201);
    const p = (await res.json()) as Project;
    expect(p).toMatchObject({ name: 'Pilot', role: 'owner', settings: { fps: 30, aspectRatio: '16:9' } });
    expect(await auditCount(p.id, 'project.create')).toBe(1);
  });

  it('gives createdAt and updatedAt as the stored timestamps in Date#toISOString() form', async () => {
    const p = await createProject(h, owner, 'Stamped');
    // Microseconds and a far-from-UTC offset: the ISO text is UTC, milliseconds truncated as a Date does.
    await h.db.sql`
      update projects set created_at = '2026-03-29 01:30:00.123987+13:45', updated_at = '2026-11-01 23:59:59.9999-07'
      where id = ${p.id}`;
    const [row] = await h.db.sql<{ created_at: Date; updated_at: Date }[]>`
      select created_at, updated_at from projects where id = ${p.id}`;
    const expected = { createdAt: row!.created_at.toISOString(), updatedAt: row!.updated_at.toISOString() };
    expect(expected).toEqual({
      createdAt: '2026-03-28T11:45:00.123Z',
      updatedAt: '2026-11-02T06:59:59.999Z',
    });
    const one = (await (await req(owner, 'GET', `/api/v1/projects/${p.id}`)).json()) as Project;
    expect(one).toMatchObject(expected);
    const page = (await (await req(owner, 'GET', '/api/v1/projects?limit=100')).json()) as {
      items: Project[];
    };
    expect(page.items.find((x) => x.id === p.id)).toMatchObject(expected);
  });

  it('lists only my projects, newest first, through a cursor', async () => {
    const mine = await registerUser(h, 'lister');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createProject(h, mine, `P${i}`)).id);
    await createProject(h, stranger, 'Not mine');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const res = await req(mine, 'GET', `/api/v1/projects?limit=2${q}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: Project[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const p of page.items) expect(p.role).toBe('owner');
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect((await req(mine, 'GET', '/api/v1/projects?cursor=garbage')).status).toBe(400);
    expect((await req(mine, 'GET', '/api/v1/projects?limit=1000')).status).toBe(400);
  });

  it('PATCH merges settings and renames; members see the change with their own role', async () => {
    const p = await createProject(h, owner, 'Before');
    await addMember(h, p.id, owner, editor, 'editor');
    const res = await req(editor, 'PATCH', `/api/v1/projects/${p.id}`, {
      name: 'After',
      settings: { resolution: '1080p' },
    });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as Project;
    expect(updated).toMatchObject({
      name: 'After',
      role: 'editor',
      settings: { resolution: '1080p', fps: 24 },
    });
    expect((await req(owner, 'PATCH', `/api/v1/projects/${p.id}`, { settings: { fps: 12 } })).status).toBe(
      200,
    );
    const again = (await (await req(owner, 'GET', `/api/v1/projects/${p.id}`)).json()) as Project;
    expect(again.settings).toMatchObject({ resolution: '1080p', fps: 12 });
    expect(await auditCount(p.id, 'project.update')).toBe(2);
    expect((await req(owner, 'PATCH', `/api/v1/projects/${p.id}`, { settings: { fps: 1000 } })).status).toBe(
      400,
    );
  });

  it('returns every known setting, defaults filled in, and never a stale stored key', async () => {
    const p = await createProject(h, owner, 'Stale keys');
    // A key an older version stored (or a hand edit) must not reach clients.
    await h.db.sql`update projects set settings = '{"fps": 30, "oldKey": 1}'::jsonb where id = ${p.id}`;
    const one = (await (await req(owner, 'GET', `/api/v1/projects/${p.id}`)).json()) as Project;
    expect(one.settings).toEqual({
      aspectRatio: '16:9',
      resolution: '720p',
      fps: 30,
      musicPrompt: 'calm',
      transition: 'crossfade',
    });
    const list = (await (await req(owner, 'GET', '/api/v1/projects?limit=100')).json()) as {
      items: Project[];
    };
    expect(list.items.find((x) => x.id === p.id)?.settings).toEqual(one.settings);
  });

  it('soft-deletes (owner only): the row stays, everyone then gets 404', async () => {
    const p = await createProject(h, owner, 'Doomed');
    await addMember(h, p.id, owner, editor, 'editor');
    expect((await req(editor, 'DELETE', `/api/v1/projects/${p.id}`)).status).toBe(403);
    expect((await req(owner, 'DELETE', `/api/v1/projects/${p.id}`)).status).toBe(204);
    const [row] = await h.db.sql<
      { deleted_at: Date | null }[]
    >`select deleted_at from projects where id = ${p.id}`;
    expect(row!.deleted_at).toBeInstanceOf(Date);
    expect((await req(owner, 'GET', `/api/v1/projects/${p.id}`)).status).toBe(404);
    expect((await req(editor, 'GET', `/api/v1/projects/${p.id}/members`)).status).toBe(404);
    const list = (await (await req(owner, 'GET', '/api/v1/projects?limit=100')).json()) as {
      items: Project[];
    };
    expect(list.items.map((x) => x.id)).not.toContain(p.id);
    expect(await auditCount(p.id, 'project.delete')).toBe(1);
  });

  it('a non-member sees 404 for a project that exists, the same as for one that does not', async () => {
    const p = await createProject(h, owner, 'Private');
    const hidden = await req(stranger, 'GET', `/api/v1/projects/${p.id}`);
    const missing = await req(stranger, 'GET', `/api/v1/projects/${crypto.randomUUID()}`);
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(await hidden.json()).toEqual(await missing.json());
  });

  it('invites existing accounts only, refuses duplicates, lists members', async () => {
    const p = await createProject(h, owner, 'Team');
    const unknown = await req(owner, 'POST', `/api/v1/projects/${p.id}/members`, {
      email: 'ghost@example.test',
      role: 'editor',
    });
    expect(unknown.status).toBe(404);
    expect(errorBodySchema.parse(await unknown.json()).error.message).toMatch(/register/);
    const ok = await req(owner, 'POST', `/api/v1/projects/${p.id}/members`, {
      email: editor.email,
      role: 'viewer',
    });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ userId: editor.id, role: 'viewer', email: editor.email });
    const dup = await req(owner, 'POST', `/api/v1/projects/${p.id}/members`, {
      email: editor.email,
      role: 'editor',
    });
    expect(dup.status).toBe(409);
    expect(
      (await req(owner, 'POST', `/api/v1/projects/${p.id}/members`, { email: editor.email, role: 'boss' }))
        .status,
    ).toBe(400);
    const members = (await (await req(editor, 'GET', `/api/v1/projects/${p.id}/members`)).json()) as {
      items: Member[];
    };
    expect(members.items.map((m) => [m.userId, m.role])).toEqual([
      [owner.id, 'owner'],
      [editor.id, 'viewer'],
    ]);
    expect(await auditCount(p.id, 'member.add')).toBe(1);
  });

  it('the last owner can neither be demoted nor leave (409); with a second owner both work', async () => {
    const p = await createProject(h, owner, 'Owners');
    await addMember(h, p.id, owner, editor, 'editor');
    const demote = await req(owner, 'PATCH', `/api/v1/projects/${p.id}/members/${owner.id}`, {
      role: 'editor',
    });
    expect(demote.status).toBe(409);
    expect((await req(owner, 'DELETE', `/api/v1/projects/${p.id}/members/${owner.id}`)).status).toBe(409);

    const promote = await req(owner, 'PATCH', `/api/v1/projects/${p.id}/members/${editor.id}`, {
      role: 'owner',
    });
    expect(promote.status).toBe(200);
    expect(await promote.json()).toMatchObject({ userId: editor.id, role: 'owner' });
    expect(
      (await req(owner, 'PATCH', `/api/v1/projects/${p.id}/members/${owner.id}`, { role: 'viewer' })).status,
    ).toBe(200);
    // Now `editor` is the only owner, and `owner` (a viewer) may leave but not remove others.
    expect((await req(owner, 'DELETE', `/api/v1/projects/${p.id}/members/${editor.id}`)).status).toBe(403);
    expect((await req(owner, 'DELETE', `/api/v1/projects/${p.id}/members/${owner.id}`)).status).toBe(204);
    expect((await req(owner, 'GET', `/api/v1/projects/${p.id}`)).status).toBe(404);
    expect((await req(editor, 'DELETE', `/api/v1/projects/${p.id}/members/${editor.id}`)).status).toBe(409);
    expect(
      (
        await req(editor, 'PATCH', `/api/v1/projects/${p.id}/members/${crypto.randomUUID()}`, {
          role: 'viewer',
        })
      ).status,
    ).toBe(404);
    expect(await auditCount(p.id, 'member.role_change')).toBe(2);
    expect(await auditCount(p.id, 'member.leave')).toBe(1);
  });

  it('two concurrent demotions of the two owners leave exactly one owner', async () => {
    const p = await createProject(h, owner, 'Race');
    await addMember(h, p.id, owner, editor, 'owner');
    const results = await Promise.all([
      req(owner, 'PATCH', `/api/v1/projects/${p.id}/members/${owner.id}`, { role: 'editor' }),
      req(editor, 'PATCH', `/api/v1/projects/${p.id}/members/${editor.id}`, { role: 'editor' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const [row] = await h.db.sql<{ n: number }[]>`
      select count(*)::int as n from project_members where project_id = ${p.id} and role = 'owner'`;
    expect(row!.n).toBe(1);
  });

  it('issues a 60 s realtime ticket carrying my role, which the realtime side verifies', async () => {
    const p = await createProject(h, owner, 'Live');
    await addMember(h, p.id, owner, editor, 'reviewer');
    const res = await req(editor, 'POST', '/api/v1/realtime/tickets', { projectId: p.id });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ticket: string; expiresAt: string; role: string };
    expect(body.role).toBe('reviewer');
    const ttl = Date.parse(body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    const verdict = await verifyTicket(h.deps.jwtSecret, body.ticket);
    expect(verdict).toMatchObject({
      ok: true,
      claims: { userId: editor.id, projectId: p.id, role: 'reviewer', name: 'editor' },
    });
    expect((await req(stranger, 'POST', '/api/v1/realtime/tickets', { projectId: p.id })).status).toBe(404);
    expect((await req(editor, 'POST', '/api/v1/realtime/tickets', { projectId: 'nope' })).status).toBe(400);
  });
});
