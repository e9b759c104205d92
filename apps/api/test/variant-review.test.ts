import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetKeys } from '@clapboard/server/assets';
import { bytesStream } from '@clapboard/server/storage';
import type { GalleryItem, Variant, VariantComment } from '@clapboard/shared/campaigns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectJson, registerUser, requestAs, type TestUser } from './fixtures';
import { createHarness, type Harness } from './harness';
import { listenToProject } from './project-events';

type Page<T> = { items: T[]; nextCursor: string | null };

describe('variant review and the gallery', () => {
  let h: Harness;
  const u = {} as Record<
    'lead' | 'editor' | 'reviewer' | 'viewer' | 'guest' | 'otherGuest' | 'stranger',
    TestUser
  >;
  let clientId: string;
  let campaignId: string;
  let kitId: string;
  let shared: string;
  let hidden: string;
  let ready: string;
  let rendering: string;
  let hiddenVariant: string;
  const assets = {} as Record<
    'video' | 'poster' | 'frame' | 'audio' | 'render' | 'renderPoster' | 'piece' | 'hiddenVideo',
    string
  >;
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-gallery-'));

  const send = (user: TestUser | null, method: string, path: string, body?: unknown) =>
    requestAs(h, user, method, path, body);
  const json = expectJson;

  /** An output file of `jobId` stored as a job asset of the project. */
  async function jobAsset(
    projectId: string,
    jobId: string,
    kind: string,
    mime: string,
    name: string,
    bytes: string,
  ) {
    const id = crypto.randomUUID();
    const { key } = assetKeys(projectId, id);
    await h.deps.blobStore.put(key, bytesStream(new TextEncoder().encode(bytes)), { contentType: mime });
    await h.db.sql`
      insert into assets (id, project_id, kind, mime, byte_size, sha256, storage_key, original_name, source, job_id)
      values (${id}, ${projectId}, ${kind}, ${mime}, ${bytes.length}, 'x', ${key}, ${name}, 'job', ${jobId})`;
    return id;
  }
  async function job(projectId: string, type: string, cost: number) {
    const [j] = await h.db.sql<{ id: string }[]>`
      insert into jobs (project_id, type, status, finished_at, cost_actual_usd)
      values (${projectId}, ${type}, 'completed', now(), ${cost}) returning id`;
    return j!.id;
  }
  /** What the job (`step` null) or one of its steps says it made: `name` → asset. */
  async function delivered(jobId: string, step: string | null, outputs: Record<string, string>) {
    const list = Object.entries(outputs).map(([name, assetId]) => ({ name, assetId }));
    if (step === null) await h.db.sql`update jobs set outputs = ${h.db.sql.json(list)} where id = ${jobId}`;
    else
      await h.db.sql`
        insert into job_steps (job_id, name, status, outputs)
        values (${jobId}, ${step}, 'completed', ${h.db.sql.json(list)})`;
  }
  async function variant(
    projectId: string,
    jobId: string,
    key: string,
    status: string,
    video: string | null,
    poster: string | null,
  ) {
    const [v] = await h.db.sql<{ id: string }[]>`
      insert into variants (project_id, job_id, key, label, aspect_ratio, duration_sec, status, video_asset_id,
        poster_asset_id, brand_kit_id, brand_kit_revision, cost_usd)
      values (${projectId}, ${jobId}, ${key}, ${key}, '9:16', 15, ${status}, ${video}, ${poster}, ${kitId}, 1, 0.25)
      returning id`;
    return v!.id;
  }

  beforeAll(async () => {
    h = await createHarness();
    for (const k of Object.keys({
      lead: 1,
      editor: 1,
      reviewer: 1,
      viewer: 1,
      guest: 1,
      otherGuest: 1,
      stranger: 1,
    }) as (keyof typeof u)[])
      u[k] = await registerUser(h, `vr-${k}`);
    clientId = (await json<{ id: string }>(await send(u.lead, 'POST', '/clients', { name: 'Acme' }), 201)).id;
    for (const [who, role] of [
      ['editor', 'editor'],
      ['reviewer', 'reviewer'],
      ['viewer', 'viewer'],
      ['guest', 'guest'],
    ] as const)
      await json(
        await send(u.lead, 'POST', `/clients/${clientId}/members`, { email: u[who].email, role }),
        201,
      );
    const other = (
      await json<{ id: string }>(await send(u.stranger, 'POST', '/clients', { name: 'Other' }), 201)
    ).id;
    await json(
      await send(u.stranger, 'POST', `/clients/${other}/members`, {
        email: u.otherGuest.email,
        role: 'guest',
      }),
      201,
    );
    kitId = (
      await json<{ id: string }>(await send(u.lead, 'POST', '/brand-kits', { clientId, name: 'Kit' }), 201)
    ).id;
    campaignId = (
      await json<{ id: string }>(
        await send(u.lead, 'POST', '/campaigns', { clientId, name: 'Launch', brandKitId: kitId }),
        201,
      )
    ).id;
    shared = (
      await json<{ id: string }>(
        await send(u.lead, 'POST', `/campaigns/${campaignId}/projects`, { name: 'Shared' }),
        201,
      )
    ).id;
    hidden = (
      await json<{ id: string }>(
        await send(u.lead, 'POST', `/campaigns/${campaignId}/projects`, { name: 'Hidden' }),
        201,
      )
    ).id;
    await json(await send(u.lead, 'PUT', `/projects/${shared}/client-share`, { shared: true }), 200);
    // What a render.variants run and a render.video run left behind.
    await h.db.sql`update brand_kits set revision = 1 where id = ${kitId}`;
    const vj = await job(shared, 'render.variants', 0.5);
    assets.video = await jobAsset(
      shared,
      vj,
      'video',
      'video/mp4',
      'vertical-15.mp4',
      'MP4 bytes of the 15 s cut',
    );
    assets.poster = await jobAsset(shared, vj, 'image', 'image/jpeg', 'vertical-15.jpg', 'poster');
    ready = await variant(shared, vj, 'vertical-15', 'ready', assets.video, assets.poster);
    rendering = await variant(shared, vj, 'square-30', 'rendering', null, null);
    const rj = await job(shared, 'render.video', 0.4);
    assets.render = await jobAsset(
      shared,
      rj,
      'video',
      'video/mp4',
      'render-720p.mp4',
      'MP4 bytes of the full render',
    );
    assets.audio = await jobAsset(shared, rj, 'audio', 'audio/mp4', 'music.m4a', 'AAC');
    // What the render made on the way or alongside: listed only as the render's thumbnail, or not at all.
    assets.renderPoster = await jobAsset(shared, rj, 'image', 'image/jpeg', 'poster.jpg', 'render poster');
    const strip = await jobAsset(shared, rj, 'image', 'image/jpeg', 'strip.jpg', 'strip');
    const vtt = await jobAsset(shared, rj, 'document', 'text/vtt', 'subtitles.vtt', 'WEBVTT');
    assets.piece = await jobAsset(shared, rj, 'video', 'video/mp4', 'scene-1-shot.mp4', 'shot piece');
    await delivered(rj, null, {
      video: assets.render,
      poster: assets.renderPoster,
      strip,
      'subtitles.vtt': vtt,
    });
    await delivered(rj, 'music', { music: assets.audio });
    await delivered(rj, 'scene-1/shot', { 'shot-head': assets.piece });
    const fj = await job(shared, 'scene.frame', 0.01);
    assets.frame = await jobAsset(shared, fj, 'image', 'image/png', 'scene-1.png', 'PNG');
    await delivered(fj, 'frame', { frame: assets.frame });
    const hj = await job(hidden, 'render.variants', 0.3);
    assets.hiddenVideo = await jobAsset(hidden, hj, 'video', 'video/mp4', 'landscape-60.mp4', 'MP4 hidden');
    hiddenVariant = await variant(hidden, hj, 'landscape-60', 'ready', assets.hiddenVideo, null);
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('guests see the shared project’s variants and nothing else; staff see all', async () => {
    const list = await json<Page<Variant>>(await send(u.guest, 'GET', `/projects/${shared}/variants`), 200);
    expect(list.items.map((v) => v.id).sort()).toEqual([ready, rendering].sort());
    const one = list.items.find((v) => v.id === ready)!;
    expect(one).toMatchObject({ status: 'ready', stale: false, approval: null, videoAssetId: assets.video });
    // The signed link works without headers (a <video> tag), for a guest too.
    const video = await h.app.request(one.urls!.video.replace(h.deps.publicUrl, ''));
    expect(video.status).toBe(200);
    expect(await video.text()).toBe('MP4 bytes of the 15 s cut');
    expect(list.items.find((v) => v.id === rendering)!.urls).toBeNull();

    expect((await send(u.guest, 'GET', `/projects/${hidden}/variants`)).status).toBe(404);
    expect((await send(u.guest, 'GET', `/variants/${hiddenVariant}`)).status).toBe(404);
    expect((await send(u.otherGuest, 'GET', `/projects/${shared}/variants`)).status).toBe(404);
    expect((await send(u.otherGuest, 'GET', `/variants/${ready}`)).status).toBe(404);
    expect((await send(u.stranger, 'GET', `/variants/${ready}`)).status).toBe(404);
    expect((await send(null, 'GET', `/variants/${ready}`)).status).toBe(401);
    expect(
      (await json<Page<Variant>>(await send(u.viewer, 'GET', `/projects/${hidden}/variants`), 200)).items,
    ).toHaveLength(1);
    const pending = await json<Page<Variant>>(
      await send(u.viewer, 'GET', `/projects/${shared}/variants?status=ready&approval=pending`),
      200,
    );
    expect(pending.items.map((v) => v.id)).toEqual([ready]);
  });

  it('decisions: owners, reviewers and guests decide on rendered variants; the team is told', async () => {
    expect((await send(u.viewer, 'POST', `/variants/${ready}/approval`, { status: 'approved' })).status).toBe(
      403,
    );
    expect((await send(u.editor, 'POST', `/variants/${ready}/approval`, { status: 'approved' })).status).toBe(
      403,
    );
    expect(
      (await send(u.guest, 'POST', `/variants/${rendering}/approval`, { status: 'approved' })).status,
    ).toBe(409);
    expect((await send(u.guest, 'POST', `/variants/${ready}/approval`, { status: 'maybe' })).status).toBe(
      400,
    );
    const changes = await json<Variant>(
      await send(u.reviewer, 'POST', `/variants/${ready}/approval`, {
        status: 'changes_requested',
        note: 'Logo too small',
      }),
      200,
    );
    expect(changes.approval).toMatchObject({
      status: 'changes_requested',
      role: 'reviewer',
      note: 'Logo too small',
    });
    const approved = await json<Variant>(
      await send(u.guest, 'POST', `/variants/${ready}/approval`, { status: 'approved' }),
      200,
    );
    expect(approved.approval).toMatchObject({
      status: 'approved',
      role: 'guest',
      by: { id: u.guest.id },
      stale: false,
    });
    const inbox = await h.db.sql<{ user_id: string; payload: { role: string; status: string } }[]>`
      select user_id, payload from notifications where kind = 'variant_decision' and payload->>'role' = 'guest'`;
    expect(inbox.map((n) => n.user_id).sort()).toEqual([u.lead.id, u.editor.id].sort());

    // A brand kit change after the render makes the variant and its approval stale.
    await json(
      await send(u.editor, 'PATCH', `/brand-kits/${kitId}`, { palette: { accent: '#00ff00' } }),
      200,
    );
    const stale = await json<Variant>(await send(u.guest, 'GET', `/variants/${ready}`), 200);
    expect(stale).toMatchObject({ stale: true, approval: { status: 'approved', stale: true } });
    const approvedList = await json<Page<Variant>>(
      await send(u.lead, 'GET', `/projects/${shared}/variants?approval=approved`),
      200,
    );
    expect(approvedList.items.map((v) => v.id)).toEqual([ready]);
  });

  it('comments: internal ones stay internal; a guest writes and reads only client-visible ones', async () => {
    await json(
      await send(u.lead, 'POST', `/variants/${ready}/comments`, {
        body: 'Internal: margin is thin',
        atSec: 3.5,
      }),
      201,
    );
    const visible = await json<VariantComment>(
      await send(u.lead, 'POST', `/variants/${ready}/comments`, {
        body: 'We tightened the hook.',
        clientVisible: true,
      }),
      201,
    );
    expect(visible.clientVisible).toBe(true);
    const fromGuest = await json<VariantComment>(
      await send(u.guest, 'POST', `/variants/${ready}/comments`, { body: 'Love it', clientVisible: false }),
      201,
    );
    expect(fromGuest).toMatchObject({ clientVisible: true, author: { role: 'guest' } });
    expect((await send(u.viewer, 'POST', `/variants/${ready}/comments`, { body: 'x' })).status).toBe(403);
    expect((await send(u.lead, 'POST', `/variants/${ready}/comments`, { body: '' })).status).toBe(400);

    const guestView = await json<{ items: VariantComment[] }>(
      await send(u.guest, 'GET', `/variants/${ready}/comments`),
      200,
    );
    expect(guestView.items.map((c) => c.body)).toEqual(['We tightened the hook.', 'Love it']);
    const teamView = await json<{ items: VariantComment[] }>(
      await send(u.viewer, 'GET', `/variants/${ready}/comments`),
      200,
    );
    expect(teamView.items.map((c) => c.body)).toEqual([
      'Internal: margin is thin',
      'We tightened the hook.',
      'Love it',
    ]);
    expect(teamView.items[0]!.atSec).toBe(3.5);
  });

  it('the gallery lists every output with filters; guests and strangers get none; bulk download zips the chosen files', async () => {
    const all = await json<Page<GalleryItem>>(
      await send(u.viewer, 'GET', `/clients/${clientId}/gallery?limit=100`),
      200,
    );
    const byAsset = new Map(all.items.map((i) => [i.assetId, i]));
    expect([...byAsset.keys()].sort()).toEqual(
      [assets.video, assets.render, assets.audio, assets.frame, assets.hiddenVideo].sort(),
    );
    expect(byAsset.get(assets.video)).toMatchObject({
      kind: 'variant',
      variant: { id: ready, key: 'vertical-15' },
      approval: 'approved',
      costUsd: 0.25,
    });
    expect(byAsset.get(assets.render)).toMatchObject({
      kind: 'render',
      variant: null,
      costUsd: 0.4,
      campaignName: 'Launch',
    });
    expect(byAsset.get(assets.audio)!.kind).toBe('audio');
    expect(byAsset.get(assets.frame)!.kind).toBe('frame');
    // Each shows a picture of itself: a video its poster, a frame itself; audio has none.
    const picture = async (assetId: string) => {
      const url = byAsset.get(assetId)!.thumbnailUrl;
      if (url === null) return null;
      const res = await h.app.request(url.replace(h.deps.publicUrl, ''));
      expect(res.status).toBe(200);
      return res.text();
    };
    expect(await picture(assets.video)).toBe('poster');
    expect(await picture(assets.render)).toBe('render poster');
    expect(await picture(assets.frame)).toBe('PNG');
    expect(await picture(assets.audio)).toBeNull();

    const variants = await json<Page<GalleryItem>>(
      await send(u.viewer, 'GET', `/clients/${clientId}/gallery?kind=variant`),
      200,
    );
    expect(variants.items.map((i) => i.assetId).sort()).toEqual([assets.video, assets.hiddenVideo].sort());
    const approved = await json<Page<GalleryItem>>(
      await send(u.viewer, 'GET', `/campaigns/${campaignId}/gallery?approval=approved`),
      200,
    );
    expect(approved.items.map((i) => i.assetId)).toEqual([assets.video]);
    const page1 = await json<Page<GalleryItem>>(
      await send(u.viewer, 'GET', `/clients/${clientId}/gallery?limit=2`),
      200,
    );
    const page2 = await json<Page<GalleryItem>>(
      await send(u.viewer, 'GET', `/clients/${clientId}/gallery?limit=2&cursor=${page1.nextCursor}`),
      200,
    );
    expect(new Set([...page1.items, ...page2.items].map((i) => i.assetId)).size).toBe(4);

    expect((await send(u.guest, 'GET', `/clients/${clientId}/gallery`)).status).toBe(403);
    expect((await send(u.guest, 'GET', `/campaigns/${campaignId}/gallery`)).status).toBe(403);
    expect((await send(u.stranger, 'GET', `/clients/${clientId}/gallery`)).status).toBe(404);

    const zip = await send(u.viewer, 'POST', `/clients/${clientId}/gallery/download`, {
      assetIds: [assets.video, assets.render],
    });
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    const file = join(dir, 'g.zip');
    writeFileSync(file, new Uint8Array(await zip.arrayBuffer()));
    expect(execFileSync('unzip', ['-t', file], { encoding: 'utf8' })).toContain('No errors detected');
    const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(names).toEqual(['Launch/Shared/render-720p.mp4', 'Launch/Shared/vertical-15-vertical-15.mp4']);
    expect(execFileSync('unzip', ['-p', file, 'Launch/Shared/render-720p.mp4'], { encoding: 'utf8' })).toBe(
      'MP4 bytes of the full render',
    );

    const foreign = crypto.randomUUID();
    const missing = await send(u.viewer, 'POST', `/clients/${clientId}/gallery/download`, {
      assetIds: [assets.video, foreign, assets.poster, assets.piece],
    });
    expect(missing.status).toBe(404);
    expect(
      (
        (await missing.json()) as { error: { details: { assetIds: string[] } } }
      ).error.details.assetIds.sort(),
    ).toEqual([foreign, assets.poster, assets.piece].sort());
    const tooMany = Array.from({ length: 201 }, () => crypto.randomUUID());
    expect(
      (await send(u.viewer, 'POST', `/clients/${clientId}/gallery/download`, { assetIds: tooMany })).status,
    ).toBe(400);
    expect(
      (await send(u.guest, 'POST', `/clients/${clientId}/gallery/download`, { assetIds: [assets.video] }))
        .status,
    ).toBe(403);
  });

  it('a kit change reaches open pages: rendered variants of the projects using it are announced, and read stale', async () => {
    const listener = await listenToProject(h, shared, ['variant:changed']);
    const hiddenListener = await listenToProject(h, hidden, ['variant:changed']);
    try {
      const isKit = (e: { payload: unknown }) => (e.payload as { reason: string }).reason === 'kit';
      // As if rendered again with the kit as it is now (an earlier test changed it).
      await h.db.sql`
        update variants set brand_kit_revision = (select revision from brand_kits where id = ${kitId})
        where brand_kit_id = ${kitId}`;
      const before = await json<Variant>(await send(u.guest, 'GET', `/variants/${ready}`), 200);
      expect(before.stale).toBe(false);

      await json(
        await send(u.editor, 'PATCH', `/brand-kits/${kitId}`, { palette: { accent: '#ff0066' } }),
        200,
      );
      const event = await listener.waitFor('variant:changed', isKit);
      expect(event.payload).toEqual({ variantId: ready, reason: 'kit' });
      await hiddenListener.waitFor(
        'variant:changed',
        (e) => isKit(e) && (e.payload as { variantId: string }).variantId === hiddenVariant,
      );
      // Only rendered variants, each to its own project's room.
      const kitEvents = listener.events.filter((e) => isKit(e.event));
      expect(kitEvents.map((e) => (e.event.payload as { variantId: string }).variantId)).toEqual([ready]);
      expect((await json<Variant>(await send(u.guest, 'GET', `/variants/${ready}`), 200)).stale).toBe(true);

      // A name-only change draws nothing: no revision, no announcement.
      await json(await send(u.editor, 'PATCH', `/brand-kits/${kitId}`, { name: 'Kit 2' }), 200);
      // The campaign taking another kit (none) is announced too.
      await json(await send(u.lead, 'PATCH', `/campaigns/${campaignId}`, { brandKitId: null }), 200);
      // Events of one emitter arrive in order: had the name change been announced, it would be
      // here before the campaign's.
      const kitCount = () => listener.events.filter((e) => isKit(e.event)).length;
      for (const until = Date.now() + 10_000; kitCount() < 2 && Date.now() < until; )
        await new Promise((r) => setTimeout(r, 20));
      expect(kitCount()).toBe(2);
    } finally {
      await listener.close();
      await hiddenListener.close();
    }
  });
});
