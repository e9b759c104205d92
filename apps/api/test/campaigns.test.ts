import { verifyTicket } from '@clapboard/server/tickets';
import type { Campaign, CampaignProject, Client, OrgMember } from '@clapboard/shared/campaigns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectJson, PASSWORD, registerUser, requestAs, type TestUser } from './fixtures';
import { createHarness, type Harness } from './harness';

type Page<T> = { items: T[]; nextCursor: string | null };

describe('clients, campaigns and inherited roles', () => {
  let h: Harness;
  let lead: TestUser;
  let staff: TestUser;
  let campaignEditor: TestUser;
  let guest: TestUser;
  let stranger: TestUser;

  const call = (user: TestUser | null, method: string, path: string, body?: unknown) =>
    requestAs(h, user, method, path, body);
  const json = expectJson;

  beforeAll(async () => {
    h = await createHarness();
    const users = await Promise.all(
      ['lead', 'staff', 'camp-editor', 'guest', 'stranger'].map((l) => registerUser(h, l)),
    );
    [lead, staff, campaignEditor, guest, stranger] = users as [
      TestUser,
      TestUser,
      TestUser,
      TestUser,
      TestUser,
    ];
  });
  afterAll(() => h.close());

  it('a client holds campaigns; roles flow down to projects; guests see only shared projects', async () => {
    const client = await json<Client>(await call(lead, 'POST', '/clients', { name: 'Acme Foods' }), 201);
    expect(client).toMatchObject({ name: 'Acme Foods', role: 'owner', campaignCount: 0 });
    await json<OrgMember>(
      await call(lead, 'POST', `/clients/${client.id}/members`, { email: staff.email, role: 'viewer' }),
      201,
    );
    await json<OrgMember>(
      await call(lead, 'POST', `/clients/${client.id}/members`, { email: guest.email, role: 'guest' }),
      201,
    );
    // Adding twice is a conflict; an unknown email a 404 that says what to do.
    expect(
      (await call(lead, 'POST', `/clients/${client.id}/members`, { email: guest.email, role: 'guest' }))
        .status,
    ).toBe(409);
    expect(
      (
        await call(lead, 'POST', `/clients/${client.id}/members`, {
          email: 'nobody@example.test',
          role: 'viewer',
        })
      ).status,
    ).toBe(404);

    const campaign = await json<Campaign>(
      await call(lead, 'POST', '/campaigns', {
        clientId: client.id,
        name: 'Summer launch',
        startsOn: '2026-06-01',
        endsOn: '2026-08-31',
      }),
      201,
    );
    expect(campaign).toMatchObject({
      clientName: 'Acme Foods',
      role: 'owner',
      status: 'active',
      requireStoryboardApproval: true,
    });
    expect(
      (
        await call(lead, 'POST', '/campaigns', {
          clientId: client.id,
          name: 'Bad',
          startsOn: '2026-06-02',
          endsOn: '2026-06-01',
        })
      ).status,
    ).toBe(400);
    await json(
      await call(lead, 'POST', `/campaigns/${campaign.id}/members`, {
        email: campaignEditor.email,
        role: 'editor',
      }),
      201,
    );
    // Guests belong to the client, never to a campaign.
    expect(
      (await call(lead, 'POST', `/campaigns/${campaign.id}/members`, { email: guest.email, role: 'guest' }))
        .status,
    ).toBe(400);

    const shared = await json<CampaignProject>(
      await call(campaignEditor, 'POST', `/campaigns/${campaign.id}/projects`, { name: '15s cut' }),
      201,
    );
    const internal = await json<CampaignProject>(
      await call(lead, 'POST', `/campaigns/${campaign.id}/projects`, { name: 'Internal test' }),
      201,
    );
    expect(shared.role).toBe('owner');

    // The client's viewer and the campaign's editor hold their roles on the campaign's projects.
    expect(
      (await json<{ role: string }>(await call(staff, 'GET', `/projects/${internal.id}`), 200)).role,
    ).toBe('viewer');
    expect(
      (await json<{ role: string }>(await call(campaignEditor, 'GET', `/projects/${internal.id}`), 200)).role,
    ).toBe('editor');
    const staffList = await json<Page<{ id: string }>>(await call(staff, 'GET', '/projects'), 200);
    expect(staffList.items.map((p) => p.id).sort()).toEqual([shared.id, internal.id].sort());
    expect((await call(staff, 'PATCH', `/projects/${internal.id}`, { name: 'x' })).status).toBe(403);

    // Before sharing, the guest sees neither the campaign nor its projects (no existence leak).
    expect((await call(guest, 'GET', `/campaigns/${campaign.id}`)).status).toBe(404);
    expect((await json<Page<Campaign>>(await call(guest, 'GET', '/campaigns'), 200)).items).toEqual([]);
    expect((await call(guest, 'GET', `/projects/${shared.id}`)).status).toBe(404);

    // Editors share; viewers cannot.
    expect((await call(staff, 'PUT', `/projects/${shared.id}/client-share`, { shared: true })).status).toBe(
      403,
    );
    await json(
      await call(campaignEditor, 'PUT', `/projects/${shared.id}/client-share`, { shared: true }),
      200,
    );
    const guestCampaign = await json<Campaign>(await call(guest, 'GET', `/campaigns/${campaign.id}`), 200);
    expect(guestCampaign).toMatchObject({ role: 'guest', projectCount: 1 });
    const guestProjects = await json<Page<CampaignProject>>(
      await call(guest, 'GET', `/campaigns/${campaign.id}/projects`),
      200,
    );
    expect(guestProjects.items.map((p) => p.id)).toEqual([shared.id]);
    // A guest is not a project member: no project page, no document ticket, not in their project list.
    expect((await call(guest, 'GET', `/projects/${shared.id}`)).status).toBe(403);
    expect((await call(guest, 'POST', '/realtime/tickets', { projectId: shared.id })).status).toBe(403);
    // …but a variants-only ticket for the shared project (their live gallery), which says so.
    const live = await json<{ ticket: string; role: string }>(
      await call(guest, 'POST', '/realtime/tickets', { projectId: shared.id, scope: 'variants' }),
      200,
    );
    expect(live.role).toBe('guest');
    const claims = await verifyTicket(h.deps.jwtSecret, live.ticket);
    expect(claims.ok && claims.claims).toMatchObject({ projectId: shared.id, scope: 'variants' });
    expect(
      (await call(guest, 'POST', '/realtime/tickets', { projectId: internal.id, scope: 'variants' })).status,
    ).toBe(404);
    expect((await call(guest, 'GET', `/projects/${internal.id}`)).status).toBe(404);
    expect((await json<Page<unknown>>(await call(guest, 'GET', '/projects'), 200)).items).toEqual([]);
    expect((await call(guest, 'GET', `/clients/${client.id}/members`)).status).toBe(403);

    // Strangers see nothing at all.
    for (const path of [
      `/clients/${client.id}`,
      `/campaigns/${campaign.id}`,
      `/campaigns/${campaign.id}/projects`,
    ])
      expect((await call(stranger, 'GET', path)).status).toBe(404);
    expect((await json<Page<Client>>(await call(stranger, 'GET', '/clients'), 200)).items).toEqual([]);

    // Removing the client viewer ends their role on the projects beneath at once.
    await json(await call(lead, 'DELETE', `/clients/${client.id}/members/${staff.id}`), 204);
    expect((await call(staff, 'GET', `/projects/${internal.id}`)).status).toBe(404);
  });

  it('lists filter and paginate; the last client owner stays; a client with campaigns is not deleted', async () => {
    const client = await json<Client>(await call(lead, 'POST', '/clients', { name: 'Paging Co' }), 201);
    for (const name of ['Alpha', 'Beta', 'Gamma'])
      await json(await call(lead, 'POST', '/campaigns', { clientId: client.id, name }), 201);
    const first = await json<Page<Campaign>>(
      await call(lead, 'GET', `/campaigns?clientId=${client.id}&limit=2`),
      200,
    );
    expect(first.items.map((c) => c.name)).toEqual(['Gamma', 'Beta']);
    const second = await json<Page<Campaign>>(
      await call(lead, 'GET', `/campaigns?clientId=${client.id}&limit=2&cursor=${first.nextCursor}`),
      200,
    );
    expect(second.items.map((c) => c.name)).toEqual(['Alpha']);
    expect(second.nextCursor).toBeNull();
    const beta = first.items[1]!;
    await json(await call(lead, 'PATCH', `/campaigns/${beta.id}`, { status: 'archived' }), 200);
    const archived = await json<Page<Campaign>>(
      await call(lead, 'GET', `/campaigns?clientId=${client.id}&status=archived`),
      200,
    );
    expect(archived.items.map((c) => c.name)).toEqual(['Beta']);
    expect(
      (await json<Page<Campaign>>(await call(lead, 'GET', `/campaigns?q=alp`), 200)).items.map((c) => c.name),
    ).toEqual(['Alpha']);
    expect(
      (await json<Page<Client>>(await call(lead, 'GET', '/clients?q=paging'), 200)).items.map((c) => c.name),
    ).toEqual(['Paging Co']);
    expect((await call(lead, 'GET', '/campaigns?cursor=not-a-cursor')).status).toBe(400);

    expect(
      (await call(lead, 'PATCH', `/clients/${client.id}/members/${lead.id}`, { role: 'editor' })).status,
    ).toBe(409);
    expect((await call(lead, 'DELETE', `/clients/${client.id}`)).status).toBe(409);
    for (const c of [...first.items, ...second.items])
      await json(await call(lead, 'DELETE', `/campaigns/${c.id}`), 204);
    await json(await call(lead, 'DELETE', `/clients/${client.id}`), 204);
    expect((await call(lead, 'GET', `/clients/${client.id}`)).status).toBe(404);
  });

  it('the only owner of a client others belong to cannot delete their account; a client of one goes with it', async () => {
    const solo = await registerUser(h, 'solo-owner');
    const shared = await json<Client>(await call(solo, 'POST', '/clients', { name: 'Shared client' }), 201);
    const alone = await json<Client>(await call(solo, 'POST', '/clients', { name: 'Alone client' }), 201);
    await json(
      await call(solo, 'POST', `/clients/${shared.id}/members`, { email: guest.email, role: 'guest' }),
      201,
    );
    const refused = await call(solo, 'DELETE', '/me', { password: PASSWORD });
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as {
      error: { details: { clients: Array<{ id: string; otherMembers: number }> } };
    };
    expect(body.error.details.clients).toEqual([{ id: shared.id, name: 'Shared client', otherMembers: 1 }]);
    await json(
      await call(solo, 'PATCH', `/clients/${shared.id}/members/${guest.id}`, { role: 'owner' }),
      200,
    );
    await json(await call(solo, 'DELETE', '/me', { password: PASSWORD }), 204);
    const [gone] = await h.db.sql<
      { deleted: boolean }[]
    >`select deleted_at is not null as deleted from clients where id = ${alone.id}`;
    expect(gone!.deleted).toBe(true);
    expect((await json<Client>(await call(guest, 'GET', `/clients/${shared.id}`), 200)).role).toBe('owner');
  });

  it('moving a project into a campaign needs its owner; a deleted campaign lets its projects go', async () => {
    const client = await json<Client>(await call(lead, 'POST', '/clients', { name: 'Mover' }), 201);
    const campaign = await json<Campaign>(
      await call(lead, 'POST', '/campaigns', { clientId: client.id, name: 'M' }),
      201,
    );
    const mine = await json<{ id: string }>(
      await call(staff, 'POST', '/projects', { name: 'Staff film' }),
      201,
    );
    // The lead does not own the staff's project.
    expect(
      (await call(lead, 'POST', `/campaigns/${campaign.id}/projects`, { projectId: mine.id })).status,
    ).toBe(400);
    await json(
      await call(lead, 'POST', `/clients/${client.id}/members`, { email: staff.email, role: 'editor' }),
      201,
    );
    await json(await call(staff, 'POST', `/campaigns/${campaign.id}/projects`, { projectId: mine.id }), 201);
    // The client owner now holds owner on it through the client.
    expect((await json<{ role: string }>(await call(lead, 'GET', `/projects/${mine.id}`), 200)).role).toBe(
      'owner',
    );
    await json(await call(lead, 'DELETE', `/campaigns/${campaign.id}`), 204);
    expect((await call(lead, 'GET', `/projects/${mine.id}`)).status).toBe(404);
    expect((await json<{ role: string }>(await call(staff, 'GET', `/projects/${mine.id}`), 200)).role).toBe(
      'owner',
    );
  });
});
