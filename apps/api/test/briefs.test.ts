import { findBannedWords } from '@clapboard/screenplay';
import {
  DOC_CHANNEL_MESSAGE,
  decodeDocChannelMessage,
  docChannel,
  loadDocument,
  readDocumentContent,
} from '@clapboard/server/documents';
import {
  type Brief,
  briefDraftAppliedSchema,
  briefPageSchema,
  briefSchema,
} from '@clapboard/shared/campaigns';
import { readStoredScene, type StoredScene } from '@clapboard/shared/document';
import { jobActionResponseSchema } from '@clapboard/shared/jobs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { signAccessToken } from '../src/auth/access-token';
import { announceWorker, createHarness, type Harness } from './harness';
import { type Actor, type Cast, createCast } from './support-members';

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
type Who = Actor | 'campaignEditor' | 'guest';

/** The brand kit's writing rules, added to every brief's. */
const KIT_WRITING = { voice: 'Plain, warm, never smug', mustSay: ['Wow no cow'], bannedWords: ['milky'] };

const BRIEF = {
  title: 'Spring launch',
  product: 'Oat Barista, an oat drink that foams like milk',
  audience: 'busy baristas in city cafés',
  keyMessage: 'Foams like milk, tastes like oats.',
  mustSay: ['Made from Swedish oats', 'Now in every café'],
  bannedWords: ['cheap', 'dairy'],
  tone: 'bold',
  durations: [30, 15],
  callToAction: 'Ask for it by name.',
};

describe('briefs API and storyboard drafts', () => {
  let h: Harness;
  let cast: Cast;
  /** Tokens of people whose role on the project comes from the campaign or the client. */
  const extra = {} as Record<'campaignEditor' | 'guest', { id: string; token: string }>;
  let campaignId: string;
  /** A project of the cast that is in no campaign. */
  let looseProjectId: string;
  let assetId: string;
  let otherAssetId: string;

  const send = (method: string, path: string, who: Who, body?: unknown) =>
    h.app.request(path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(who === 'campaignEditor' || who === 'guest'
          ? { authorization: `Bearer ${extra[who].token}` }
          : cast.headers(who)),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const createBrief = async (over: Record<string, unknown> = {}, who: Who = 'editor') => {
    const res = await send('POST', '/api/v1/briefs', who, { ...BRIEF, projectId: cast.projectId, ...over });
    expect(res.status, await res.clone().text()).toBe(201);
    return briefSchema.parse(await res.json());
  };
  const draft = (briefId: string, who: Who, body?: unknown) =>
    send('POST', `/api/v1/briefs/${briefId}/draft`, who, body);
  const content = async (projectId = cast.projectId) => {
    const { doc } = await loadDocument(h.db.sql, projectId);
    const { script, scenes } = readDocumentContent(doc);
    return { script, scenes: scenes.map(readStoredScene).filter((s): s is StoredScene => s !== null) };
  };
  const emptyDocument = () => h.db.sql`delete from doc_updates where doc_id = ${cast.projectId}`;

  beforeAll(async () => {
    // The only worker makes thumbnails: no LLM, so `auto` drafts with the template.
    h = await createHarness({ briefDraftRate: { perMember: 5 } }, ['assets.derive']);
    cast = await createCast(h.db.sql, h.deps.jwtSecret, 'briefs');
    const sql = h.db.sql;
    for (const who of ['campaignEditor', 'guest'] as const) {
      const [u] = await sql<{ id: string }[]>`
        insert into users (email, name, password_hash) values (${`${who.toLowerCase()}@briefs.test`}, ${who}, 'x') returning id`;
      extra[who] = { id: u!.id, token: (await signAccessToken(h.deps.jwtSecret, { userId: u!.id })).token };
    }
    const [client] = await sql<{ id: string }[]>`insert into clients (name) values ('Oat Co') returning id`;
    const [kit] = await sql<{ id: string }[]>`
      insert into brand_kits (client_id, name, style)
      values (${client!.id}, 'Oat kit', ${sql.json({ writing: KIT_WRITING })}) returning id`;
    const [campaign] = await sql<{ id: string }[]>`
      insert into campaigns (client_id, name, brand_kit_id) values (${client!.id}, 'Spring', ${kit!.id}) returning id`;
    campaignId = campaign!.id;
    await sql`update projects set campaign_id = ${campaignId}, client_shared = true where id = ${cast.projectId}`;
    await sql`insert into campaign_members (campaign_id, user_id, role) values (${campaignId}, ${extra.campaignEditor.id}, 'editor')`;
    await sql`insert into client_members (client_id, user_id, role) values (${client!.id}, ${extra.guest.id}, 'guest')`;
    const [loose] = await sql<{ id: string }[]>`
      insert into projects (name, created_by) values ('Loose', ${cast.userIds.owner}) returning id`;
    looseProjectId = loose!.id;
    await sql`insert into project_members (project_id, user_id, role) values (${looseProjectId}, ${cast.userIds.editor}, 'editor')`;
    for (const [project, key] of [
      [cast.projectId, 'mine'],
      [cast.otherProjectId, 'theirs'],
    ] as const) {
      const [a] = await sql<{ id: string }[]>`
        insert into assets (project_id, kind, mime, byte_size, sha256, storage_key)
        values (${project}, 'image', 'image/png', 1, 'x', ${`k/${key}`}) returning id`;
      if (key === 'mine') assetId = a!.id;
      else otherAssetId = a!.id;
    }
  });
  beforeEach(async () => {
    // Each test counts its own drafts against the per-member limit (Redis on Node, Postgres on the edge).
    const keys = await h.redis.keys(`${h.redisPrefix}:rl:brief-draft:*`);
    if (keys.length) await h.redis.del(...keys);
    await h.db.sql`delete from rate_limits where key like ${`${h.redisPrefix}:rl:brief-draft:%`}`;
  });
  afterAll(() => h.close());

  it('creates a brief in the campaign of its project, audited; reads, lists, patches and deletes it', async () => {
    const brief = await createBrief({ referenceAssetIds: [assetId] });
    expect(brief).toMatchObject({
      campaignId,
      projectId: cast.projectId,
      title: 'Spring launch',
      mustSay: BRIEF.mustSay,
      referenceAssetIds: [assetId],
      lastDraft: null,
    });
    // A campaign editor holds the role on the campaign's projects, so they write briefs too.
    await createBrief({ title: 'Summer' }, 'campaignEditor');

    const [audit] = await h.db.sql<{ actor_id: string; details: Record<string, unknown> }[]>`
      select actor_id, details from audit_log where action = 'brief.create' and target_id = ${brief.id}`;
    expect(audit).toMatchObject({
      actor_id: cast.userIds.editor,
      details: { title: 'Spring launch', campaignId },
    });

    // Readers read; the client's guest and strangers do not.
    for (const who of ['viewer', 'reviewer', 'owner'] as const)
      expect(await (await send('GET', `/api/v1/briefs/${brief.id}`, who)).json()).toEqual(brief);
    expect((await send('GET', `/api/v1/briefs/${brief.id}`, 'guest')).status).toBe(403);
    expect((await send('GET', `/api/v1/briefs/${brief.id}`, 'outsider')).status).toBe(404);

    // Lists: by campaign or project, paged; only what the caller may read.
    const page1 = briefPageSchema.parse(
      await (await send('GET', `/api/v1/briefs?campaignId=${campaignId}&limit=1`, 'viewer')).json(),
    );
    expect(page1.items).toHaveLength(1);
    const page2 = briefPageSchema.parse(
      await (
        await send(
          'GET',
          `/api/v1/briefs?campaignId=${campaignId}&limit=1&cursor=${page1.nextCursor}`,
          'viewer',
        )
      ).json(),
    );
    expect([...page1.items, ...page2.items].map((b) => b.title).sort()).toEqual(['Spring launch', 'Summer']);
    const byProject = briefPageSchema.parse(
      await (await send('GET', `/api/v1/briefs?projectId=${cast.projectId}`, 'reviewer')).json(),
    );
    expect(byProject.items).toHaveLength(2);
    for (const who of ['outsider', 'guest'] as const) {
      const list = briefPageSchema.parse(
        await (await send('GET', `/api/v1/briefs?campaignId=${campaignId}`, who)).json(),
      );
      expect(list.items, who).toEqual([]);
    }
    expect((await send('GET', `/api/v1/briefs?projectId=${cast.projectId}`, 'outsider')).status).toBe(404);
    expect((await send('GET', '/api/v1/briefs', 'viewer')).status).toBe(400);

    // A patch changes the fields it names and nothing else.
    const patched = await send('PATCH', `/api/v1/briefs/${brief.id}`, 'owner', { title: 'Spring launch v2' });
    expect(patched.status).toBe(200);
    expect(briefSchema.parse(await patched.json())).toMatchObject({
      title: 'Spring launch v2',
      mustSay: BRIEF.mustSay,
      tone: 'bold',
      durations: [30, 15],
      referenceAssetIds: [assetId],
    });
    expect((await send('PATCH', `/api/v1/briefs/${brief.id}`, 'viewer', { title: 'x' })).status).toBe(403);
    expect(
      (await send('PATCH', `/api/v1/briefs/${brief.id}`, 'editor', { referenceAssetIds: [otherAssetId] }))
        .status,
    ).toBe(422);

    // Two members edit the brief they both opened. Different fields: both land.
    const opened = briefSchema.parse(await (await send('GET', `/api/v1/briefs/${brief.id}`, 'owner')).json());
    const tone = await send('PATCH', `/api/v1/briefs/${brief.id}`, 'editor', {
      tone: 'playful',
      base: { tone: opened.tone },
    });
    expect(tone.status).toBe(200);
    const title = await send('PATCH', `/api/v1/briefs/${brief.id}`, 'owner', {
      title: 'Spring launch v3',
      base: { title: opened.title },
    });
    expect(briefSchema.parse(await title.json())).toMatchObject({
      title: 'Spring launch v3',
      tone: 'playful',
    });
    // The same field from a stale read: refused, naming it, with the brief as it is now; nothing written.
    const stale = await send('PATCH', `/api/v1/briefs/${brief.id}`, 'owner', {
      tone: 'warm',
      callToAction: 'Buy now',
      base: { tone: opened.tone, callToAction: opened.callToAction },
    });
    expect(stale.status).toBe(409);
    const refusal = (await stale.json()) as {
      error: { message: string; details: { fields: string[]; current: unknown } };
    };
    expect(refusal.error.details.fields).toEqual(['tone']);
    expect(refusal.error.message).toMatch(/changed this field of the brief since you opened it: tone/);
    expect(briefSchema.parse(refusal.error.details.current)).toMatchObject({
      tone: 'playful',
      callToAction: opened.callToAction,
    });
    const after = briefSchema.parse(await (await send('GET', `/api/v1/briefs/${brief.id}`, 'owner')).json());
    expect(after).toMatchObject({ tone: 'playful', callToAction: opened.callToAction });
    // Keeping their own version: the same change again from the brief as it is now.
    const kept = await send('PATCH', `/api/v1/briefs/${brief.id}`, 'owner', {
      tone: 'warm',
      base: { tone: after.tone },
    });
    expect(briefSchema.parse(await kept.json()).tone).toBe('warm');
    // A base is checked with the fields' own rules.
    expect(
      (await send('PATCH', `/api/v1/briefs/${brief.id}`, 'owner', { tone: 'warm', base: { tone: 'angry' } }))
        .status,
    ).toBe(400);

    expect((await send('DELETE', `/api/v1/briefs/${brief.id}`, 'reviewer')).status).toBe(403);
    expect((await send('DELETE', `/api/v1/briefs/${brief.id}`, 'editor')).status).toBe(204);
    expect((await send('GET', `/api/v1/briefs/${brief.id}`, 'owner')).status).toBe(404);
    expect((await send('DELETE', `/api/v1/briefs/${brief.id}`, 'owner')).status).toBe(404);
    const [row] = await h.db.sql<
      { deleted_at: Date | null }[]
    >`select deleted_at from briefs where id = ${brief.id}`;
    expect(row!.deleted_at).toBeInstanceOf(Date);
  });

  it('refuses a brief for a project in no campaign, by a role that cannot write, or with assets of another project', async () => {
    const loose = await send('POST', '/api/v1/briefs', 'editor', { ...BRIEF, projectId: looseProjectId });
    expect(loose.status).toBe(409);
    expect(((await loose.json()) as ErrorBody).error.message).toMatch(/^The project is not in a campaign/);
    const body = { ...BRIEF, projectId: cast.projectId };
    expect((await send('POST', '/api/v1/briefs', 'viewer', body)).status).toBe(403);
    expect((await send('POST', '/api/v1/briefs', 'guest', body)).status).toBe(403);
    expect((await send('POST', '/api/v1/briefs', 'outsider', body)).status).toBe(404);
    expect((await send('POST', '/api/v1/briefs', 'anonymous', body)).status).toBe(401);
    const foreign = await send('POST', '/api/v1/briefs', 'editor', {
      ...body,
      referenceAssetIds: [otherAssetId],
    });
    expect(foreign.status).toBe(422);
    expect(((await foreign.json()) as ErrorBody).error.details).toMatchObject({ missing: [otherAssetId] });
    expect((await send('POST', '/api/v1/briefs', 'editor', { ...body, durations: [] })).status).toBe(400);
    // A must-say line the script would read as a direction (not spoken) is refused, saying why.
    const direction = await send('POST', '/api/v1/briefs', 'editor', {
      ...body,
      mustSay: ['(Now in cafés)'],
    });
    expect(direction.status).toBe(400);
    expect(await direction.text()).toMatch(/wholly in parentheses is read as a direction, not spoken/);
  });

  it('without an LLM worker, drafts the template into the document: every must-say spoken, no banned word, lengths adding up', async () => {
    await emptyDocument();
    const brief = await createBrief();
    const sub = h.redis.duplicate();
    const published = new Promise<Uint8Array>((resolve) => {
      sub.on('messageBuffer', (_c: Buffer, data: Buffer) => {
        const m = decodeDocChannelMessage(data);
        if (m?.kind === DOC_CHANNEL_MESSAGE.update) resolve(m.payload);
      });
    });
    await sub.subscribe(docChannel(cast.projectId));
    const res = await draft(brief.id, 'editor', {});
    expect(res.status, await res.clone().text()).toBe(200);
    const body = briefDraftAppliedSchema.parse(await res.json());
    expect(body).toMatchObject({ source: 'template', scenes: 4, backupVersionId: null });
    expect(body.brief.lastDraft).toMatchObject({ source: 'template', provider: null, jobId: null });

    // Read back from Postgres through the document loader.
    const doc = await content();
    const live = doc.scenes.filter((s) => !s.removed);
    expect(live.map((s) => s.heading)).toEqual(['HOOK', 'THE PRODUCT', 'WHO IT IS FOR', 'CALL TO ACTION']);
    expect(live.reduce((n, s) => n + s.durationSec, 0)).toBe(30);
    expect(live.map((s) => s.shot)).toEqual(['close', 'medium', 'wide', 'close']);
    expect(live[1]!.imagePrompt).toBe(BRIEF.product);
    const spoken = live.flatMap((s) => s.dialogue.map((d) => d.text));
    expect(spoken[0]).toBe(BRIEF.keyMessage);
    expect(spoken.at(-1)).toBe(BRIEF.callToAction);
    for (const line of [...BRIEF.mustSay, ...KIT_WRITING.mustSay]) expect(spoken).toContain(line);
    expect(findBannedWords(doc.script, [...BRIEF.bannedWords, ...KIT_WRITING.bannedWords])).toEqual([]);
    expect(doc.script).toContain('Title: Spring launch');

    // The same change reached live editors on the document's channel.
    const client = new Y.Doc();
    Y.applyUpdate(client, await published);
    sub.disconnect();
    expect(client.getText('script').toString()).toBe(doc.script);

    expect((await (await send('GET', `/api/v1/briefs/${brief.id}`, 'viewer')).json()) as Brief).toMatchObject(
      {
        lastDraft: { source: 'template' },
      },
    );
    const [audit] = await h.db.sql<{ details: Record<string, unknown> }[]>`
      select details from audit_log where action = 'brief.draft' and target_id = ${brief.id}`;
    expect(audit!.details).toMatchObject({ source: 'template', scenes: 4 });
  });

  it('replaces a script only when asked, keeping the old one as a version', async () => {
    await emptyDocument();
    const brief = await createBrief();
    expect((await draft(brief.id, 'owner')).status).toBe(200);
    const before = await content();
    const again = await draft(brief.id, 'owner', { mode: 'template' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as ErrorBody).error.message).toMatch(/script is not empty.*replace: true/);
    expect((await content()).script).toBe(before.script);

    await h.db.sql`update briefs set fields = fields || '{"durations":[15]}' where id = ${brief.id}`;
    const replaced = await draft(brief.id, 'owner', { mode: 'template', replace: true });
    expect(replaced.status).toBe(200);
    const { backupVersionId } = briefDraftAppliedSchema.parse(await replaced.json());
    const [version] = await h.db.sql<{ name: string; source: string }[]>`
      select name, source from doc_versions where id = ${backupVersionId}`;
    expect(version).toEqual({ name: 'Before the draft from brief "Spring launch"', source: 'import' });
    const live = (await content()).scenes.filter((s) => !s.removed);
    expect(live.reduce((n, s) => n + s.durationSec, 0)).toBe(15);
  });

  it('refuses a brief whose own text holds a banned word (422 naming it), and a project that left the campaign (409)', async () => {
    const brief = await createBrief({ keyMessage: 'Better than cheap oat drinks' });
    const res = await draft(brief.id, 'editor', { replace: true });
    expect(res.status).toBe(422);
    const err = (await res.json()) as ErrorBody;
    expect(err.error.message).toBe(
      "The brief cannot be drafted: its keyMessage contains the banned word 'cheap'. Reword it or take the word off the banned list.",
    );
    // The kit's banned words count as the brief's own.
    const milky = await createBrief({ product: 'A milky oat drink' });
    expect(
      ((await (await draft(milky.id, 'editor', { replace: true })).json()) as ErrorBody).error.message,
    ).toMatch(/its product contains the banned word 'milky'/);

    const fine = await createBrief();
    await h.db.sql`update projects set campaign_id = null where id = ${cast.projectId}`;
    try {
      const left = await draft(fine.id, 'owner', { replace: true });
      expect(left.status).toBe(409);
      expect(((await left.json()) as ErrorBody).error.message).toMatch(/no longer in the brief's campaign/);
    } finally {
      await h.db.sql`update projects set campaign_id = ${campaignId} where id = ${cast.projectId}`;
    }
  });

  it('lets only owners and editors draft: viewer 403, guest 403, stranger 404', async () => {
    const brief = await createBrief();
    for (const [who, status] of [
      ['viewer', 403],
      ['reviewer', 403],
      ['guest', 403],
      ['outsider', 404],
      ['anonymous', 401],
    ] as const)
      expect((await draft(brief.id, who, { replace: true })).status, who).toBe(status);
    expect((await draft(brief.id, 'editor', { mode: 'llm' })).status).toBe(400);
  });

  it('with a worker that offers brief.draft, auto queues the LLM job (202), template still writes at once', async () => {
    const brief = await createBrief();
    const worker = await announceWorker(h.redis, h.redisPrefix, ['assets.derive', 'brief.draft'], 'with-llm');
    try {
      const res = await draft(brief.id, 'editor', { replace: true });
      expect(res.status, await res.clone().text()).toBe(202);
      const { job } = jobActionResponseSchema.parse(await res.json());
      expect(job).toMatchObject({
        type: 'brief.draft',
        projectId: cast.projectId,
        params: { briefId: brief.id, replace: true },
      });
      expect((await draft(brief.id, 'editor', { mode: 'template', replace: true })).status).toBe(200);

      // The generic jobs route runs the same checks: a brief of another project is refused.
      const other = await send('POST', `/api/v1/projects/${cast.otherProjectId}/jobs`, 'outsider', {
        type: 'brief.draft',
        params: { briefId: brief.id },
      });
      expect(other.status).toBe(422);
      expect(((await other.json()) as ErrorBody).error.message).toMatch(
        /briefId does not name a brief of this project/,
      );
    } finally {
      await h.redis.del(`${h.redisPrefix}:models:${worker}`);
    }
  });

  it('limits drafts per member (429 with Retry-After)', async () => {
    const brief = await createBrief();
    for (let i = 0; i < 5; i++)
      expect((await draft(brief.id, 'owner', { mode: 'template', replace: true })).status).toBe(200);
    const res = await draft(brief.id, 'owner', { mode: 'template', replace: true });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another member still may.
    expect((await draft(brief.id, 'editor', { mode: 'template', replace: true })).status).toBe(200);
  });
});
