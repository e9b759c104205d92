import { sceneEntries } from '@clapboard/screenplay';
import { verify } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemo } from '../src/seed/seed-demo';
import { createHarness, type Harness } from './harness';

/** The demo user's access token (signing in as a person would). */
async function tokenOf(h: Harness): Promise<string> {
  const res = await h.app.request('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
  });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

describe('first-run demo seed', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('creates the demo account and project once, with a loadable document', async () => {
    expect((await seedDemo(h.db.sql)).seeded).toBe(true);
    expect((await seedDemo(h.db.sql)).seeded).toBe(false);
    const [user] = await h.db.sql<
      { id: string; password_hash: string }[]
    >`select id, password_hash from users where email = ${DEMO_EMAIL}`;
    expect(await verify(user!.password_hash, DEMO_PASSWORD)).toBe(true);
    const [member] = await h.db.sql<
      { project_id: string; role: string }[]
    >`select m.project_id, m.role from project_members m join projects p on p.id = m.project_id
      where m.user_id = ${user!.id} and p.campaign_id is null`;
    expect(member!.role).toBe('owner');
    const updates = await h.db.sql<
      { update: Buffer }[]
    >`select update from doc_updates where doc_id = ${member!.project_id}`;
    const doc = new Y.Doc();
    for (const u of updates) Y.applyUpdate(doc, u.update);
    expect(doc.getText('script').toString()).toContain('EXT. ROCKY COAST - DAWN');
    expect(sceneEntries(doc).map(({ map }) => map.get('heading'))).toHaveLength(3);
    // The scenes carry the script's dialogue, so a render voices it before anyone opens the script.
    const spoken = sceneEntries(doc).map(({ map }) =>
      ((map.get('dialogue') ?? []) as Array<{ character: string }>).map((l) => l.character),
    );
    expect(spoken).toEqual([['MARA'], ['RADIO', 'MARA'], ['TOMAS']]);

    // The agency demo: a client the demo user owns, its kit on a campaign, a project there with a brief.
    const clients = await h.app.request('/api/v1/campaigns', {
      headers: { authorization: `Bearer ${await tokenOf(h)}` },
    });
    const page = (await clients.json()) as {
      items: Array<{ name: string; clientName: string; brandKitId: string | null; projectCount: number }>;
    };
    expect(page.items).toEqual([
      expect.objectContaining({
        name: 'Spring launch (demo)',
        clientName: 'Harbour Coffee (demo)',
        projectCount: 1,
      }),
    ]);
    expect(page.items[0]!.brandKitId).not.toBeNull();
    const [brief] = await h.db.sql<{ fields: { mustSay: string[] } }[]>`select fields from briefs`;
    expect(brief!.fields.mustSay).toEqual(['Only until June']);
  });
});
