import { type BrandFont, type BrandKit, brandKitSchema, type Client } from '@clapboard/shared/campaigns';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectJson, registerUser, requestAs, type TestUser } from './fixtures';
import { dejaVuSans, ttfToWoff2 } from './font-files';
import { createHarness, type Harness } from './harness';

const SVG_LOGO =
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40" fill="#f0883e"/><text x="10" y="28">ACME</text></svg>';

describe('brand kits: style, logo and fonts', () => {
  let h: Harness;
  let owner: TestUser;
  let editor: TestUser;
  let viewer: TestUser;
  let guest: TestUser;
  let stranger: TestUser;
  let client: Client;

  const send = (
    user: TestUser | null,
    method: string,
    path: string,
    body?: unknown,
    raw?: Uint8Array | string,
  ) => requestAs(h, user, method, path, body, raw);
  const json = expectJson;
  const newKit = async (body: Record<string, unknown> = {}) =>
    json<BrandKit>(
      await send(editor, 'POST', '/brand-kits', { clientId: client.id, name: 'Acme core', ...body }),
      201,
    );

  beforeAll(async () => {
    h = await createHarness();
    const users = await Promise.all(
      ['owner', 'editor', 'viewer', 'guest', 'stranger'].map((l) => registerUser(h, `kit-${l}`)),
    );
    [owner, editor, viewer, guest, stranger] = users as [TestUser, TestUser, TestUser, TestUser, TestUser];
    client = await json<Client>(await send(owner, 'POST', '/clients', { name: 'Acme' }), 201);
    for (const [u, role] of [
      [editor, 'editor'],
      [viewer, 'viewer'],
      [guest, 'guest'],
    ] as const)
      await json(await send(owner, 'POST', `/clients/${client.id}/members`, { email: u.email, role }), 201);
  });
  afterAll(() => h.close());

  it('a kit fills defaults, merges partial changes and raises its revision only when the style changes', async () => {
    const kit = await newKit({ palette: { primary: '#112233' }, introCard: { enabled: true, text: 'Acme' } });
    expect(kit.revision).toBe(1);
    expect(kit.palette).toMatchObject({ primary: '#112233', text: '#ffffff' });
    expect(kit.captionStyle).toMatchObject({ size: 0.05, position: 'bottom', fontId: null });
    expect(kit.introCard).toEqual({ enabled: true, text: 'Acme', durationSec: 2 });

    const changed = await json<BrandKit>(
      await send(editor, 'PATCH', `/brand-kits/${kit.id}`, { captionStyle: { color: '#ffee00' } }),
      200,
    );
    expect(changed.revision).toBe(2);
    // The other caption settings and the palette stay.
    expect(changed.captionStyle).toMatchObject({ color: '#ffee00', size: 0.05, position: 'bottom' });
    expect(changed.palette.primary).toBe('#112233');
    const renamed = await json<BrandKit>(
      await send(editor, 'PATCH', `/brand-kits/${kit.id}`, { name: 'Acme 2027' }),
      200,
    );
    expect(renamed).toMatchObject({ name: 'Acme 2027', revision: 2 });

    for (const bad of [
      { palette: { primary: 'red' } },
      { captionStyle: { size: 0.5 } },
      { writing: { bannedWords: Array(51).fill('x') } },
    ])
      expect((await send(editor, 'PATCH', `/brand-kits/${kit.id}`, bad)).status).toBe(400);
    // A style may only name the kit's own fonts.
    const unknown = crypto.randomUUID();
    expect((await send(editor, 'PATCH', `/brand-kits/${kit.id}`, { headingFontId: unknown })).status).toBe(
      400,
    );

    const list = await json<{ items: BrandKit[] }>(
      await send(viewer, 'GET', `/brand-kits?clientId=${client.id}`),
      200,
    );
    expect(list.items.map((k) => k.id)).toContain(kit.id);
  });

  it('two people editing one kit: different settings both land; a setting changed since it was read is refused, nothing written', async () => {
    const kit = await newKit({ palette: { primary: '#112233', accent: '#ffcc00' } });
    // Each sends the settings they changed, with the values they read.
    await json(
      await send(editor, 'PATCH', `/brand-kits/${kit.id}`, {
        palette: { accent: '#ff7043' },
        base: { palette: { accent: kit.palette.accent } },
      }),
      200,
    );
    const both = await json<BrandKit>(
      await send(owner, 'PATCH', `/brand-kits/${kit.id}`, {
        palette: { primary: '#000000' },
        name: 'Acme spring',
        base: { palette: { primary: kit.palette.primary }, name: kit.name },
      }),
      200,
    );
    expect(both).toMatchObject({ name: 'Acme spring', palette: { primary: '#000000', accent: '#ff7043' } });
    expect(both.revision).toBe(3);

    // The owner, from the kit as first read, changes the accent and the caption size: refused.
    const stale = await send(owner, 'PATCH', `/brand-kits/${kit.id}`, {
      palette: { accent: '#00ff00' },
      captionStyle: { size: 0.08 },
      base: { palette: { accent: kit.palette.accent }, captionStyle: { size: kit.captionStyle.size } },
    });
    const refusal = await json<{
      error: { message: string; details: { fields: string[]; current: BrandKit } };
    }>(stale, 409);
    expect(refusal.error.details.fields).toEqual(['palette.accent']);
    expect(refusal.error.message).toMatch(
      /changed this setting of the brand kit since you opened it: palette\.accent/,
    );
    expect(brandKitSchema.parse(refusal.error.details.current)).toMatchObject({
      revision: 3,
      palette: { accent: '#ff7043' },
      captionStyle: { size: kit.captionStyle.size },
    });
    const after = await json<BrandKit>(await send(owner, 'GET', `/brand-kits/${kit.id}`), 200);
    expect(after).toMatchObject({ revision: 3, captionStyle: { size: kit.captionStyle.size } });
    // A base naming no field of a kit is a bad request, not a conflict.
    const odd = await send(owner, 'PATCH', `/brand-kits/${kit.id}`, {
      name: 'x',
      base: { palette: { glow: '#fff' } },
    });
    expect(odd.status).toBe(400);
    expect(await odd.text()).toMatch(/names no field of a brand kit: palette\.glow/);
  });

  it('who may see and change kits: staff read, owners and editors write, guests and strangers neither', async () => {
    const kit = await newKit();
    expect((await send(viewer, 'GET', `/brand-kits/${kit.id}`)).status).toBe(200);
    expect((await send(viewer, 'PATCH', `/brand-kits/${kit.id}`, { name: 'x' })).status).toBe(403);
    expect((await send(guest, 'GET', `/brand-kits/${kit.id}`)).status).toBe(403);
    expect((await send(guest, 'GET', `/brand-kits?clientId=${client.id}`)).status).toBe(403);
    expect((await send(stranger, 'GET', `/brand-kits/${kit.id}`)).status).toBe(404);
    expect((await send(stranger, 'POST', '/brand-kits', { clientId: client.id, name: 'x' })).status).toBe(
      404,
    );
    expect((await send(viewer, 'POST', '/brand-kits', { clientId: client.id, name: 'x' })).status).toBe(403);
    expect((await send(null, 'GET', `/brand-kits/${kit.id}`)).status).toBe(401);
    expect((await send(viewer, 'DELETE', `/brand-kits/${kit.id}`)).status).toBe(403);
    await json(await send(editor, 'DELETE', `/brand-kits/${kit.id}`), 204);
    expect((await send(editor, 'GET', `/brand-kits/${kit.id}`)).status).toBe(404);
  });

  it('logos: self-contained SVG or decodable PNG; unsafe, unsized, damaged or other files are refused', async () => {
    const kit = await newKit();
    const svg = await json<BrandKit>(
      await send(editor, 'PUT', `/brand-kits/${kit.id}/logo`, undefined, SVG_LOGO),
      200,
    );
    expect(svg.logo).toMatchObject({ format: 'svg', width: 120, height: 40 });
    expect(svg.revision).toBe(2);
    const served = await send(viewer, 'GET', `/brand-kits/${kit.id}/logo`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/svg+xml');
    expect(served.headers.get('content-security-policy')).toContain('sandbox');
    expect(await served.text()).toBe(SVG_LOGO);

    const png = new Uint8Array(
      await sharp({ create: { width: 300, height: 100, channels: 4, background: '#ff0000' } })
        .png()
        .toBuffer(),
    );
    const withPng = await json<BrandKit>(
      await send(editor, 'PUT', `/brand-kits/${kit.id}/logo`, undefined, png),
      200,
    );
    expect(withPng.logo).toMatchObject({ format: 'png', width: 300, height: 100, bytes: png.length });
    // The replaced SVG is gone from the store; only the PNG remains.
    expect(
      (await h.deps.blobStore.list(`brand-kits/${kit.id}/`)).filter((k) => k.includes('logo')),
    ).toHaveLength(1);

    const refusals: [string | Uint8Array, number, RegExp][] = [
      [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><script>alert(1)</script></svg>',
        422,
        /script/,
      ],
      ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" onload="x()"></svg>', 422, /event handler/],
      [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><image href="http://evil.test/a.png"/></svg>',
        422,
        /outside/,
      ],
      [
        '<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>',
        422,
        /DOCTYPE|entity/,
      ],
      ['<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', 422, /no size/],
      ['<svg xmlns="http://www.w3.org/2000/svg" width="9000" height="10"></svg>', 422, /4096/],
      ['<html><body>hi</body></html>', 415, /SVG or a PNG/],
      [png.subarray(0, 40), 422, /decoded/],
    ];
    for (const [body, status, message] of refusals) {
      const res = await send(editor, 'PUT', `/brand-kits/${kit.id}/logo`, undefined, body);
      const err = (await res.json()) as { error: { message: string } };
      expect([res.status, err.error.message]).toEqual([status, expect.stringMatching(message)]);
    }
    // Refused files leave nothing behind and the kit keeps its PNG.
    expect(
      (await h.deps.blobStore.list(`brand-kits/${kit.id}/`)).filter((k) => k.includes('logo')),
    ).toHaveLength(1);
    const big = await send(
      editor,
      'PUT',
      `/brand-kits/${kit.id}/logo`,
      undefined,
      new Uint8Array(2 * 1024 * 1024 + 1),
    );
    expect(big.status).toBe(413);
    expect((await json<BrandKit>(await send(editor, 'GET', `/brand-kits/${kit.id}`), 200)).logo?.format).toBe(
      'png',
    );

    const removed = await json<BrandKit>(await send(editor, 'DELETE', `/brand-kits/${kit.id}/logo`), 200);
    expect(removed.logo).toBeNull();
    expect((await send(viewer, 'GET', `/brand-kits/${kit.id}/logo`)).status).toBe(404);
  });

  it('fonts: TTF and WOFF2 are parsed and named; other files, damaged fonts and bombs are refused', async () => {
    const kit = await newKit();
    const ttf = dejaVuSans();
    const font = await json<BrandFont>(
      await send(editor, 'POST', `/brand-kits/${kit.id}/fonts`, undefined, ttf),
      201,
    );
    expect(font).toMatchObject({ family: 'DejaVu Sans', style: 'Book', format: 'ttf', bytes: ttf.length });
    expect((await send(editor, 'POST', `/brand-kits/${kit.id}/fonts`, undefined, ttf)).status).toBe(409);
    const woff2 = await json<BrandFont>(
      await send(editor, 'POST', `/brand-kits/${kit.id}/fonts`, undefined, ttfToWoff2(ttf)),
      201,
    );
    expect(woff2).toMatchObject({ family: 'DejaVu Sans', format: 'woff2' });

    const refusals: [Uint8Array, number, RegExp][] = [
      [new TextEncoder().encode('not a font at all, just text'), 415, /not a TTF, OTF or WOFF2/],
      [new Uint8Array([0x77, 0x4f, 0x46, 0x46, 0, 1, 0, 0, ...new Array(40).fill(0)]), 415, /WOFF 1/],
      [ttf.subarray(0, 2000), 422, /cannot be read|damaged|no family|glyphs/],
      [ttfToWoff2(ttf, (tag, n) => (tag === 'glyf' ? 2 ** 31 : n)), 422, /unpacks to more than/],
    ];
    for (const [body, status, message] of refusals) {
      const res = await send(editor, 'POST', `/brand-kits/${kit.id}/fonts`, undefined, body);
      const err = (await res.json()) as { error: { message: string } };
      expect([res.status, err.error.message]).toEqual([status, expect.stringMatching(message)]);
    }
    expect((await send(viewer, 'POST', `/brand-kits/${kit.id}/fonts`, undefined, ttf)).status).toBe(403);

    // The style can name the kit's fonts; removing a font falls back to the default and re-renders.
    const styled = await json<BrandKit>(
      await send(editor, 'PATCH', `/brand-kits/${kit.id}`, {
        headingFontId: font.id,
        captionStyle: { fontId: woff2.id },
      }),
      200,
    );
    expect(styled).toMatchObject({ headingFontId: font.id, captionStyle: { fontId: woff2.id } });
    const after = await json<BrandKit>(
      await send(editor, 'DELETE', `/brand-kits/${kit.id}/fonts/${font.id}`),
      200,
    );
    expect(after.headingFontId).toBeNull();
    expect(after.captionStyle.fontId).toBe(woff2.id);
    expect(after.revision).toBeGreaterThan(styled.revision);
    expect(after.fonts.map((f) => f.id)).toEqual([woff2.id]);
    expect(await h.deps.blobStore.list(`brand-kits/${kit.id}/fonts/`)).toHaveLength(1);
    expect((await send(editor, 'DELETE', `/brand-kits/${kit.id}/fonts/${font.id}`)).status).toBe(404);
  });

  it('a campaign can only use a kit of its own client', async () => {
    const kit = await newKit();
    const other = await json<Client>(await send(owner, 'POST', '/clients', { name: 'Other' }), 201);
    const campaign = await json<{ id: string }>(
      await send(owner, 'POST', '/campaigns', { clientId: other.id, name: 'C' }),
      201,
    );
    expect((await send(owner, 'PATCH', `/campaigns/${campaign.id}`, { brandKitId: kit.id })).status).toBe(
      400,
    );
    const mine = await json<{ id: string }>(
      await send(owner, 'POST', '/campaigns', { clientId: client.id, name: 'Mine', brandKitId: kit.id }),
      201,
    );
    expect(
      (await json<{ brandKitId: string }>(await send(owner, 'GET', `/campaigns/${mine.id}`), 200)).brandKitId,
    ).toBe(kit.id);
  });
});
