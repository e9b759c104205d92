import { readFileSync } from 'node:fs';
import {
  DOC_CHANNEL_MESSAGE,
  decodeDocChannelMessage,
  docChannel,
  loadDocument,
  readDocumentContent,
} from '@clapboard/server/documents';
import { errorBodySchema } from '@clapboard/shared/errors';
import {
  MAX_SCRIPT_IMPORT_BYTES,
  scriptImportCreatedSchema,
  scriptImportPreviewSchema,
  scriptImportReplacedSchema,
} from '@clapboard/shared/script-import';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMember, auth, createProject, multipartFile, registerUser, type TestUser } from './fixtures';
import { createHarness, type Harness } from './harness';

const FDX = readFileSync(
  new URL('../../../packages/screenplay/src/fixtures/final-draft-sample.fdx', import.meta.url),
);
const enc = (s: string) => new TextEncoder().encode(s);

const FOUNTAIN = `Title: Night Shift
Author: Ann

EXT. PATIO - DAY
Brick sips lemonade.

BRICK
Quiet day.

.OPENING TITLES
White on black.

INT. DINER - NIGHT
MOLLY
Who is there?

JAKE
Me.
`;
const PRINTED = [
  '1    INT. DINER - NIGHT    1',
  '',
  'Rain on the glass.',
  '',
  '                     MOLLY',
  '          Who is there?',
  '',
  '2    EXT. STREET - NIGHT    2',
  '',
  'Empty.',
].join('\n');
const MARKDOWN = '# The Diner\n\n## INT. DINER - NIGHT\n\nRain.\n\n**MOLLY:** Who is there?\n';

describe('script import API', () => {
  let h: Harness;
  let owner: TestUser;
  let editor: TestUser;
  let viewer: TestUser;

  beforeAll(async () => {
    h = await createHarness();
    owner = await registerUser(h, 'owner');
    editor = await registerUser(h, 'editor');
    viewer = await registerUser(h, 'viewer');
  });
  afterAll(() => h.close());

  function send(
    user: TestUser,
    path: string,
    bytes: Uint8Array,
    filename: string,
    fields?: Record<string, string>,
  ) {
    const form = multipartFile(bytes, filename, 'application/octet-stream', fields);
    return h.app.request(path, {
      method: 'POST',
      headers: { ...auth(user.token, false), ...form.headers },
      body: form.body,
    });
  }
  const preview = (bytes: Uint8Array, filename: string) =>
    send(owner, '/api/v1/script-imports/preview', bytes, filename);

  async function content(projectId: string) {
    const { doc } = await loadDocument(h.db.sql, projectId);
    return readDocumentContent(doc);
  }
  const countUpdates = async (projectId: string) =>
    Number(
      (
        await h.db.sql<
          { n: number }[]
        >`select count(*)::int as n from doc_updates where doc_id = ${projectId}`
      )[0]!.n,
    );

  it('previews each format without writing anything', async () => {
    const projectsBefore = (await h.db.sql`select count(*)::int as n from projects`)[0]!.n;
    const cases: [Uint8Array, string, string, [string, number, string[]][]][] = [
      [
        enc(FOUNTAIN),
        'night.fountain',
        'fountain',
        [
          ['EXT. PATIO - DAY', 1, ['BRICK']],
          ['OPENING TITLES', 0, []],
          ['INT. DINER - NIGHT', 2, ['MOLLY', 'JAKE']],
        ],
      ],
      [
        FDX,
        'brick.fdx',
        'fdx',
        [
          ["EXT. BRICK'S PATIO - DAY", 3, ['STEEL', 'BRICK']],
          ['INT. TRAILER HOME - NIGHT', 0, []],
        ],
      ],
      [
        enc(PRINTED),
        'diner.txt',
        'text',
        [
          ['INT. DINER - NIGHT', 1, ['MOLLY']],
          ['EXT. STREET - NIGHT', 0, []],
        ],
      ],
      [enc(MARKDOWN), 'diner.md', 'markdown', [['INT. DINER - NIGHT', 1, ['MOLLY']]]],
    ];
    for (const [bytes, name, format, scenes] of cases) {
      const res = await preview(bytes, name);
      expect(res.status, name).toBe(200);
      const body = scriptImportPreviewSchema.parse(await res.json());
      expect(body.format).toBe(format);
      expect(body.filename).toBe(name);
      expect(body.scenes.map((s) => [s.heading, s.lines, s.characters])).toEqual(scenes);
    }
    expect((await h.db.sql`select count(*)::int as n from projects`)[0]!.n).toBe(projectsBefore);
  });

  it('creates a project from each format, with the scenes the preview showed', async () => {
    for (const [bytes, name] of [
      [enc(FOUNTAIN), 'night.fountain'],
      [FDX, 'brick.fdx'],
      [enc(PRINTED), 'diner.txt'],
      [enc(MARKDOWN), 'diner.md'],
    ] as const) {
      const shown = scriptImportPreviewSchema.parse(await (await preview(bytes, name)).json());
      const res = await send(owner, '/api/v1/script-imports', bytes, name);
      expect(res.status, name).toBe(201);
      const body = scriptImportCreatedSchema.parse(await res.json());
      expect(body.preview).toEqual(shown);
      expect(body.project.role).toBe('owner');
      const stored = await content(body.project.id);
      expect(stored.script.length).toBe(shown.scriptLength);
      expect(stored.scenes.map((s) => s.heading)).toEqual(shown.scenes.map((s) => s.heading));
      expect(stored.scenes.map((s) => (s.dialogue as unknown[]).length)).toEqual(
        shown.scenes.map((s) => s.lines),
      );
      const [audit] = await h.db.sql<{ action: string; details: Record<string, unknown> }[]>`
        select action, details from audit_log where project_id = ${body.project.id}`;
      expect(audit).toMatchObject({ action: 'project.create', details: { importedFrom: name } });
    }
    // Named by the title page, by the name field, else by the file name.
    const titled = scriptImportCreatedSchema.parse(
      await (await send(owner, '/api/v1/script-imports', enc(FOUNTAIN), 'x.fountain')).json(),
    );
    expect(titled.project.name).toBe('Night Shift');
    const named = scriptImportCreatedSchema.parse(
      await (
        await send(owner, '/api/v1/script-imports', enc(FOUNTAIN), 'x.fountain', { name: 'My film' })
      ).json(),
    );
    expect(named.project.name).toBe('My film');
    const untitled = scriptImportCreatedSchema.parse(
      await (
        await send(owner, '/api/v1/script-imports', enc('INT. A - DAY\n\nHi.\n'), 'rough cut.fountain')
      ).json(),
    );
    expect(untitled.project.name).toBe('rough cut');
  });

  it('replaces a script as one change that restoring the saved version undoes', async () => {
    const project = (await createProject(h, owner, 'Replace me')).id;
    await addMember(h, project, owner, editor, 'editor');
    await addMember(h, project, owner, viewer, 'viewer');
    // Start from an imported script, with a note the user wrote on a scene.
    const first = await send(
      editor,
      `/api/v1/projects/${project}/script-import`,
      enc(FOUNTAIN),
      'night.fountain',
    );
    expect(first.status).toBe(200);
    const before = await content(project);
    const updatesBefore = await countUpdates(project);

    // Dry run: the preview, nothing written.
    const dry = await send(editor, `/api/v1/projects/${project}/script-import?dryRun=true`, FDX, 'brick.fdx');
    expect(dry.status).toBe(200);
    const dryBody = scriptImportReplacedSchema.parse(await dry.json());
    expect(dryBody).toMatchObject({ dryRun: true, changed: false, backup: null });
    expect(dryBody.preview.scenes).toHaveLength(2);
    // It says what happens to the storyboard's three scenes: the two new ones come in, what is no
    // longer in the script is marked removed.
    expect(dryBody.storyboard.lines.filter((l) => l.startsWith('New scene'))).toHaveLength(2);
    expect(dryBody.storyboard.lines.filter((l) => l.startsWith('Remove'))).toHaveLength(3);
    expect(dryBody.storyboard.summary).toBe('2 new, 3 to remove');
    expect(await countUpdates(project)).toBe(updatesBefore);

    const sub = h.redis.duplicate();
    const published = new Promise<Uint8Array>((resolve) => {
      sub.on('messageBuffer', (_c: Buffer, data: Buffer) => {
        const m = decodeDocChannelMessage(data);
        if (m?.kind === DOC_CHANNEL_MESSAGE.update) resolve(m.payload);
      });
    });
    await sub.subscribe(docChannel(project));
    const res = await send(editor, `/api/v1/projects/${project}/script-import`, FDX, 'brick.fdx');
    expect(res.status).toBe(200);
    const body = scriptImportReplacedSchema.parse(await res.json());
    expect(body).toMatchObject({
      dryRun: false,
      changed: true,
      backup: { source: 'import', name: 'Before importing "brick.fdx"' },
    });
    expect(body.preview).toEqual(dryBody.preview);
    expect(body.storyboard).toEqual(dryBody.storyboard);
    // One row in doc_updates, and the same update published to connected clients.
    expect(await countUpdates(project)).toBe(updatesBefore + 1);
    const client = new Y.Doc();
    const { doc: prior } = await loadDocument(h.db.sql, project);
    Y.applyUpdate(client, Y.encodeStateAsUpdate(prior));
    Y.applyUpdate(client, await published);
    sub.disconnect();
    const after = await content(project);
    expect(readDocumentContent(client)).toEqual(after);
    expect(after.script).toContain("EXT. BRICK'S PATIO - DAY");
    expect(after.scenes.filter((s) => !s.removed).map((s) => s.heading)).toEqual([
      "EXT. BRICK'S PATIO - DAY",
      'INT. TRAILER HOME - NIGHT',
    ]);
    const [audit] = await h.db.sql<{ details: Record<string, unknown> }[]>`
      select details from audit_log where project_id = ${project} and action = 'script.import' order by id desc limit 1`;
    expect(audit!.details).toMatchObject({
      filename: 'brick.fdx',
      format: 'fdx',
      backupVersionId: body.backup!.id,
    });

    // Restoring the backup undoes the whole import: script and scenes as they were.
    const restore = await h.app.request(`/api/v1/projects/${project}/versions/${body.backup!.id}/restore`, {
      method: 'POST',
      headers: auth(owner.token),
    });
    expect(restore.status).toBe(200);
    expect(await content(project)).toEqual(before);

    // Viewers may not replace; strangers do not see the project.
    const stranger = await registerUser(h, 'stranger');
    expect((await send(viewer, `/api/v1/projects/${project}/script-import`, FDX, 'brick.fdx')).status).toBe(
      403,
    );
    expect((await send(stranger, `/api/v1/projects/${project}/script-import`, FDX, 'brick.fdx')).status).toBe(
      404,
    );
    expect(await content(project)).toEqual(before);
  });

  it('refuses bad files with a clear 4xx and changes nothing', async () => {
    const project = (await createProject(h, owner, 'Untouched')).id;
    await send(owner, `/api/v1/projects/${project}/script-import`, enc(FOUNTAIN), 'night.fountain');
    const before = await content(project);
    const updates = await countUpdates(project);
    const versions = async () =>
      (await h.db.sql`select count(*)::int as n from doc_versions where project_id = ${project}`)[0]!.n;
    const versionsBefore = await versions();
    const projects = async () => (await h.db.sql`select count(*)::int as n from projects`)[0]!.n;
    const projectsBefore = await projects();
    const big = new Uint8Array(MAX_SCRIPT_IMPORT_BYTES + 1).fill(0x61);
    const bad: [Uint8Array, string, number, string | RegExp][] = [
      [enc('%PDF-1.7\n%\xff'), 'script.pdf', 415, /PDF/],
      [new Uint8Array([0x50, 0x4b, 3, 4, 20, 0, 0, 0]), 'script.fountain', 415, /zip/],
      [new Uint8Array([1, 2, 0, 4, 5, 6, 7, 8, 9]), 'noise.txt', 415, /not text/],
      [enc('INT. A - DAY'), 'script.docx', 415, /cannot be imported/],
      [enc(''), 'empty.fountain', 422, /empty/],
      [enc('\n  \n'), 'blank.txt', 422, /empty/],
      [enc('<FinalDraft><Content><Paragraph>'), 'broken.fdx', 422, /not well-formed/],
      [enc('<?xml version="1.0"?><html/>'), 'page.fdx', 422, /not a Final Draft/],
      [big, 'huge.fountain', 413, /2 MB/],
      [enc('INT. A - DAY\n\n'.repeat(1001)), 'many.fountain', 422, /at most 1000/],
    ];
    for (const [bytes, name, status, message] of bad) {
      for (const path of [
        '/api/v1/script-imports/preview',
        '/api/v1/script-imports',
        `/api/v1/projects/${project}/script-import`,
      ]) {
        const res = await send(owner, path, bytes, name);
        expect(res.status, `${name} → ${path}`).toBe(status);
        const { error } = errorBodySchema.parse(await res.json());
        expect(error.message, name).toMatch(message);
      }
    }
    // No file part, a body that is not multipart, a bad query.
    const noFile = await h.app.request('/api/v1/script-imports/preview', {
      method: 'POST',
      headers: { ...auth(owner.token, false), 'content-type': 'multipart/form-data; boundary=x' },
      body: '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nA\r\n--x--\r\n',
    });
    expect(noFile.status).toBe(400);
    const json = await h.app.request('/api/v1/script-imports/preview', {
      method: 'POST',
      headers: auth(owner.token),
      body: JSON.stringify({ file: FOUNTAIN }),
    });
    expect(json.status).toBe(415);
    const badQuery = await send(
      owner,
      `/api/v1/projects/${project}/script-import?dryRun=maybe`,
      enc(FOUNTAIN),
      'a.fountain',
    );
    expect(badQuery.status).toBe(400);
    // A declared length past the limit is refused before reading.
    const declared = await h.app.request('/api/v1/script-imports/preview', {
      method: 'POST',
      headers: {
        ...auth(owner.token, false),
        'content-type': 'multipart/form-data; boundary=x',
        'content-length': String(MAX_SCRIPT_IMPORT_BYTES * 2),
      },
      body: '--x--\r\n',
    });
    expect(declared.status).toBe(413);

    expect(await content(project)).toEqual(before);
    expect(await countUpdates(project)).toBe(updates);
    expect(await versions()).toBe(versionsBefore);
    expect(await projects()).toBe(projectsBefore);
  });
});
