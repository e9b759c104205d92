import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  importFdx,
  insertScene,
  parseFountain,
  replaceScenes,
  serializeFountain,
} from '@clapboard/screenplay';
import type { Asset } from '@clapboard/shared/api';
import { handoverManifestSchema } from '@clapboard/shared/script-deliverables';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, auth, createProject, registerUser, type TestUser, upload } from './fixtures';
import { createHarness, type Harness } from './harness';
import { changeDocument } from './review-fixtures';

const LONG_SPEECH = Array.from(
  { length: 16 },
  (_, i) => `This is sentence ${i + 1} of the long speech.`,
).join(' ');
/** A script whose long speech starts near the foot of page 1, so it must cross onto page 2. */
const SCRIPT_V1 = `Title: Harbour Lights
Author: Ana Test

INT. LIGHTHOUSE - NIGHT

${'The lamp turns. The sea is loud.\n\n'.repeat(21)}MARGARET
(quietly)
${LONG_SPEECH}

EXT. HARBOUR - DAWN

Boats come in.

TOM
Morning, Margaret.

INT. CAFE - DAY

Tea.
`;

const SCENES_V1 = [
  {
    id: 's1',
    heading: 'INT. LIGHTHOUSE - NIGHT',
    shot: 'wide',
    camera: 'pan-left',
    durationSec: 12.5,
    notes: '=HYPERLINK("http://evil.test","x")',
    dialogue: [{ character: 'MARGARET', text: 'This is sentence 1, "quoted".', parenthetical: '(quietly)' }],
  },
  {
    id: 's2',
    heading: 'EXT. HARBOUR - DAWN',
    shot: 'close',
    camera: 'zoom-in',
    durationSec: 4,
    notes: 'Fog,\nthick',
    dialogue: [{ character: 'TOM', text: 'Morning, Margaret.' }],
  },
  { id: 's3', heading: 'INT. CAFE - DAY', shot: 'medium', camera: 'static', durationSec: 3, dialogue: [] },
];

const run = (cmd: string, args: string[], input?: Buffer | string) =>
  execFileSync(cmd, args, { input, maxBuffer: 64 * 1024 * 1024 }).toString();

describe('deliverables of a pinned version', () => {
  let h: Harness;
  let owner: TestUser;
  let viewer: TestUser;
  let stranger: TestUser;
  let project: string;
  let frame: Asset;
  let v1: string;
  const tmp = mkdtempSync(join(tmpdir(), 'clapboard-deliverables-'));

  const get = async (user: TestUser, path: string): Promise<Response> =>
    h.app.request(`/api/v1/projects/${project}/${path}`, { headers: auth(user.token, false) });
  const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());
  const save = (name: string, data: Buffer) => {
    const file = join(tmp, name);
    writeFileSync(file, data);
    return file;
  };

  function writeDocument(script: string, scenes: readonly Record<string, unknown>[]) {
    return changeDocument(h.db.sql, project, (doc) => {
      const text = doc.getText('script');
      text.delete(0, text.length);
      text.insert(0, script);
      replaceScenes(
        doc,
        scenes.map((s) => ({ ...s, id: String(s.id) })),
      );
    });
  }

  beforeAll(async () => {
    h = await createHarness();
    owner = await registerUser(h, 'owner');
    viewer = await registerUser(h, 'viewer');
    stranger = await registerUser(h, 'stranger');
    project = (await createProject(h, owner, 'Harbour Lights!')).id;
    await addMember(h, project, owner, viewer, 'viewer');
    const png = await sharp({ create: { width: 64, height: 36, channels: 3, background: '#246' } })
      .png()
      .toBuffer();
    frame = (await (await upload(h, owner.token, project, new Uint8Array(png), 'frame.png')).json()) as Asset;
    await writeDocument(
      SCRIPT_V1,
      SCENES_V1.map((s) => (s.id === 's1' ? { ...s, frameAssetId: frame.id } : s)),
    );
    const res = await h.app.request(`/api/v1/projects/${project}/versions`, {
      method: 'POST',
      headers: auth(owner.token),
      body: JSON.stringify({ name: 'Lock 1' }),
    });
    expect(res.status).toBe(201);
    v1 = ((await res.json()) as { version: { id: string } }).version.id;
    // The live document moves on after the version was named.
    await writeDocument('INT. SOMEWHERE ELSE - DAY\n\nEverything changed.\n', [
      { id: 'x1', heading: 'INT. SOMEWHERE ELSE - DAY' },
    ]);
  });
  afterAll(async () => {
    await h.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('Fountain: the named version, stamped with its id, reads back to the same script', async () => {
    const res = await get(viewer, `export.fountain?version=${v1}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="harbour-lights-${v1}.fountain"`,
    );
    const back = parseFountain(await res.text());
    expect(back.titlePage.find((e) => e.key === 'Version')?.values).toEqual([v1]);
    const withoutStamp = { ...back, titlePage: back.titlePage.filter((e) => e.key !== 'Version') };
    expect(serializeFountain(withoutStamp)).toBe(serializeFountain(parseFountain(SCRIPT_V1)));
  });

  it('FDX: well-formed (xmllint) and imports back with the same scenes and the version stamp', async () => {
    const res = await get(owner, `export.fdx?version=${v1}`);
    expect(res.status).toBe(200);
    const xml = await res.text();
    run('xmllint', ['--noout', save('script.fdx', Buffer.from(xml))]);
    const back = importFdx(xml);
    const headings = (d: ReturnType<typeof parseFountain>) =>
      d.elements.flatMap((e) => (e.type === 'scene_heading' ? [e.text] : []));
    expect(headings(back)).toEqual(['INT. LIGHTHOUSE - NIGHT', 'EXT. HARBOUR - DAWN', 'INT. CAFE - DAY']);
    expect(back.titlePage.flatMap((e) => e.values).join('\n')).toContain(v1);
  });

  it("screenplay PDF: Courier, scene numbers both sides, page numbers, (MORE)/(CONT'D), version stamp", async () => {
    const res = await get(viewer, `export.pdf?version=${v1}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const file = save('screenplay.pdf', await bytes(res));
    const info = run('pdfinfo', [file]);
    // Title page + two script pages.
    expect(info).toMatch(/^Pages:\s+3$/m);
    expect(info).toMatch(/^Page size:\s+612 x 792 pts/m);
    expect(info).toContain(`clapboard-version:${v1}`);
    const fonts = run('pdffonts', [file]).split('\n').slice(2).filter(Boolean);
    expect(fonts.map((l) => l.split(/\s+/)[0])).toEqual(['Courier']);
    const pages = run('pdftotext', ['-layout', file, '-']).split('\f');
    expect(pages[0]).toContain('HARBOUR LIGHTS');
    expect(pages[1]).toMatch(/^\s*1\s+INT\. LIGHTHOUSE - NIGHT\s+1\s*$/m);
    expect(pages[2]).toMatch(/^\s*2\s+EXT\. HARBOUR - DAWN\s+2\s*$/m);
    expect(pages[2]).toMatch(/^\s*3\s+INT\. CAFE - DAY\s+3\s*$/m);
    expect(pages[1]).not.toMatch(/^\s*1\.\s*$/m);
    expect(pages[2]!.trimStart().split('\n')[0]!.trim()).toBe('2.');
    const p1 = pages[1]!
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const p2 = pages[2]!
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    // (MORE) is the last script line of page 1 (the footer follows), CONT'D the first of page 2.
    expect(p1.at(-2)).toBe('(MORE)');
    expect(p2[1]).toBe("MARGARET (CONT'D)");
    for (const p of [p1, p2]) expect(p.at(-1)).toContain(`version Lock 1 (${v1})`);
    // The whole speech is there once, in order, split across the two pages.
    const body = [...p1.slice(0, -2), ...p2.slice(2, -1)].join(' ');
    const at = Array.from({ length: 16 }, (_, i) => body.indexOf(`sentence ${i + 1} of`));
    expect(at.every((x, i) => x >= 0 && (i === 0 || x > at[i - 1]!))).toBe(true);
    expect(body.match(/sentence 16 of/g)).toHaveLength(1);
    expect(p1.join(' ')).toContain('sentence 1 of');
    expect(p2.join(' ')).toContain('sentence 16 of');
  });

  it('storyboard PDF: N frames a page with heading, shot, camera, duration, dialogue, notes; placeholder without a frame', async () => {
    const res = await get(owner, `storyboard.pdf?version=${v1}&perPage=2`);
    expect(res.status).toBe(200);
    const file = save('storyboard.pdf', await bytes(res));
    const info = run('pdfinfo', [file]);
    expect(info).toMatch(/^Pages:\s+2$/m);
    expect(info).toContain(`clapboard-version:${v1}`);
    const pages = run('pdftotext', ['-layout', file, '-']).split('\f');
    const all = pages.join('\n');
    for (const expected of [
      '1. INT. LIGHTHOUSE - NIGHT',
      'Shot: wide · Camera: pan-left · Duration: 12.5 s',
      'MARGARET (quietly): This is sentence 1, "quoted".',
      'Notes: =HYPERLINK',
      '2. EXT. HARBOUR - DAWN',
      'TOM: Morning, Margaret.',
      `version Lock 1 (${v1})`,
    ])
      expect(all).toContain(expected);
    expect(pages[1]).toContain('3. INT. CAFE - DAY');
    expect(pages[1]).not.toContain('LIGHTHOUSE');
    // One real frame (s1); s2 and s3 get the placeholder.
    const images = run('pdfimages', ['-list', file]).split('\n').slice(2).filter(Boolean);
    expect(images).toHaveLength(1);
    expect(all.match(/No frame/g)).toHaveLength(2);
  });

  it('shot list CSV parses back (Python csv) with quoting and the formula guard', async () => {
    const res = await get(viewer, `shotlist.csv?version=${v1}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe(`# Clapboard shot list, version Lock 1 (${v1})`);
    const rows = JSON.parse(
      run(
        'python3',
        [
          '-c',
          'import csv,io,json,sys; t=sys.stdin.read(); print(json.dumps(list(csv.DictReader(io.StringIO(t.split("\\r\\n",1)[1], newline="")))))',
        ],
        text,
      ),
    ) as Record<string, string>[];
    expect(
      rows.map((r) => [r.scene_number, r.heading, r.shot, r.camera, r.duration_sec, r.start_sec]),
    ).toEqual([
      ['1', 'INT. LIGHTHOUSE - NIGHT', 'wide', 'pan-left', '12.5', '0'],
      ['2', 'EXT. HARBOUR - DAWN', 'close', 'zoom-in', '4', '12.5'],
      ['3', 'INT. CAFE - DAY', 'medium', 'static', '3', '16.5'],
    ]);
    expect(rows[0]!.notes).toBe(`'=HYPERLINK("http://evil.test","x")`);
    expect(rows[0]!.dialogue).toBe('MARGARET: This is sentence 1, "quoted".');
    expect(rows[1]!.notes).toBe('Fog,\nthick');
    expect(rows[0]!.frame_asset_id).toBe(frame.id);
    expect(new Set(rows.map((r) => r.version_id))).toEqual(new Set([v1]));
  });

  it('handover.zip: every kind plus a manifest whose sizes and SHA-256 match (Python zipfile, unzip -t)', async () => {
    const res = await get(viewer, `handover.zip?version=${v1}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="harbour-lights-${v1}-handover.zip"`,
    );
    const file = save('handover.zip', await bytes(res));
    expect(run('unzip', ['-t', file])).toContain('No errors detected');
    const listing = JSON.parse(
      run('python3', [
        '-c',
        'import hashlib,json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(json.dumps({n: [len(z.read(n)), hashlib.sha256(z.read(n)).hexdigest()] for n in z.namelist()}))',
        file,
      ]),
    ) as Record<string, [number, string]>;
    const manifest = handoverManifestSchema.parse(JSON.parse(run('unzip', ['-p', file, 'manifest.json'])));
    expect(manifest.version.id).toBe(v1);
    // No render was made from v1: the bundle says so and carries script files only.
    expect(manifest.render).toBeNull();
    expect(manifest.files.map((f) => f.kind)).toEqual([
      'fountain',
      'fdx',
      'screenplay.pdf',
      'storyboard.pdf',
      'shotlist.csv',
    ]);
    expect(Object.keys(listing).sort()).toEqual(
      [...manifest.files.map((f) => f.path), 'manifest.json'].sort(),
    );
    for (const f of manifest.files) expect(listing[f.path]).toEqual([f.bytes, f.sha256]);
    // The zipped Fountain is byte for byte what the single-file route returns.
    const single = await bytes(await get(viewer, `export.fountain?version=${v1}`));
    expect(createHash('sha256').update(single).digest('hex')).toBe(
      manifest.files.find((f) => f.kind === 'fountain')!.sha256,
    );
  });

  it('a named version stays exactly that version while another client keeps editing the live document', async () => {
    let editing = true;
    let edits = 0;
    const editor = (async () => {
      while (editing) {
        await changeDocument(h.db.sql, project, (doc) => {
          doc.getText('script').insert(0, `INT. EDIT ${edits} - DAY\n\nMore.\n\n`);
          insertScene(doc, Number.POSITIVE_INFINITY, {
            id: `e${edits}`,
            heading: `INT. EDIT ${edits} - DAY`,
          });
        });
        edits++;
      }
    })();
    const expected = serializeFountain(parseFountain(SCRIPT_V1));
    try {
      for (let i = 0; i < 5; i++) {
        const [fountain, csv] = await Promise.all([
          get(viewer, `export.fountain?version=${v1}`).then((r) => r.text()),
          get(viewer, `shotlist.csv?version=${v1}`).then((r) => r.text()),
        ]);
        const back = parseFountain(fountain);
        expect(
          serializeFountain({ ...back, titlePage: back.titlePage.filter((e) => e.key !== 'Version') }),
        ).toBe(expected);
        expect(csv).not.toContain('INT. EDIT');
        expect(csv.trim().split('\r\n')).toHaveLength(5);
      }
    } finally {
      editing = false;
      await editor;
    }
    expect(edits).toBeGreaterThan(0);
    // `current` sees the edits, and names its snapshot by content.
    const current = await get(viewer, 'export.fountain?version=current');
    const stamp = parseFountain(await current.text()).titlePage.find((e) => e.key === 'Version')?.values[0];
    expect(stamp).toMatch(/^current-[0-9a-f]{16}$/);
    expect(current.headers.get('x-clapboard-version')).toBe(stamp);
    const again = await get(viewer, 'export.fountain?version=current');
    expect(again.headers.get('x-clapboard-version')).toBe(stamp);
  });

  it('refuses strangers, foreign versions and bad queries', async () => {
    expect((await get(stranger, `export.fountain?version=${v1}`)).status).toBe(404);
    expect((await get(stranger, `handover.zip?version=${v1}`)).status).toBe(404);
    const other = (await createProject(h, stranger, 'Other')).id;
    const res = await h.app.request(`/api/v1/projects/${other}/versions`, {
      method: 'POST',
      headers: auth(stranger.token),
      body: JSON.stringify({ name: 'theirs' }),
    });
    const foreign = ((await res.json()) as { version: { id: string } }).version.id;
    const missing = await get(owner, `export.fountain?version=${foreign}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await get(owner, 'export.fountain?version=latest')).status).toBe(400);
    expect((await get(owner, 'storyboard.pdf?perPage=7')).status).toBe(400);
    expect((await get(owner, 'storyboard.pdf?perPage=0')).status).toBe(400);
    expect((await get(owner, 'export.docx')).status).toBe(404);
    const anonymous = await h.app.request(`/api/v1/projects/${project}/export.fountain`);
    expect(anonymous.status).toBe(401);
  });
});
