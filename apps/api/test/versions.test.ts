import { randomUUID } from 'node:crypto';
import { deleteScene, insertScene, sceneMap } from '@clapboard/screenplay';
import {
  appendUpdates,
  DOC_CHANNEL_MESSAGE,
  decodeDocChannelMessage,
  docChannel,
  loadDocument,
  readDocumentContent,
} from '@clapboard/server/documents';
import type { Role } from '@clapboard/shared/roles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { signAccessToken } from '../src/auth/access-token';
import { createHarness, type Harness } from './harness';

describe('versions API', () => {
  let h: Harness;
  let project: string;
  const users: Record<'owner' | 'viewer' | 'stranger', string> = { owner: '', viewer: '', stranger: '' };
  const client = new Y.Doc();

  beforeAll(async () => {
    h = await createHarness();
    for (const key of Object.keys(users) as (keyof typeof users)[]) {
      users[key] = randomUUID();
      await h.db.sql`insert into users (id, email, name, password_hash)
        values (${users[key]}, ${`${key}-${users[key]}@example.com`}, ${key}, 'x')`;
    }
    project = randomUUID();
    await h.db.sql`insert into projects (id, name) values (${project}, 'Film')`;
    const members: [string, Role][] = [
      [users.owner, 'owner'],
      [users.viewer, 'viewer'],
    ];
    for (const [userId, role] of members) {
      await h.db
        .sql`insert into project_members (project_id, user_id, role) values (${project}, ${userId}, ${role})`;
    }
  });
  afterAll(() => h.close());

  /** Edits the "live" document the way the realtime server would store them. */
  async function edit(change: (doc: Y.Doc) => void): Promise<void> {
    const updates: Uint8Array[] = [];
    const capture = (u: Uint8Array) => updates.push(u);
    client.on('update', capture);
    client.transact(() => change(client));
    client.off('update', capture);
    await appendUpdates(h.db.sql, project, updates);
  }

  function scene(doc: Y.Doc, id: string, heading: string, shot = 'wide'): void {
    insertScene(doc, Number.POSITIVE_INFINITY, { id, heading, shot });
  }

  async function call(user: keyof typeof users, method: string, path: string, body?: unknown) {
    const { token } = await signAccessToken(h.deps.jwtSecret, { userId: users[user] });
    const res = await h.app.request(`/api/v1/projects/${project}/versions${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: response shapes are asserted field by field below
    return { status: res.status, body: (await res.json()) as any };
  }

  it('creates, lists, previews, diffs and restores versions; restore reaches Postgres and the doc channel', async () => {
    await edit((doc) => {
      doc.getText('script').insert(0, 'FADE IN:\nINT. HOUSE - DAY\nAda waits.');
      scene(doc, 's1', 'INT. HOUSE - DAY');
      scene(doc, 's2', 'EXT. ROAD - NIGHT');
    });
    const v1 = await call('owner', 'POST', '', { name: 'First cut' });
    expect(v1.status).toBe(201);
    expect(v1.body.version).toMatchObject({ name: 'First cut', source: 'manual', projectId: project });

    await edit((doc) => {
      const text = doc.getText('script');
      text.delete(text.toString().indexOf('Ada waits.'), 'Ada waits.'.length);
      text.insert(text.length, 'Ada leaves.');
      sceneMap(doc, 's1')!.set('shot', 'close');
      deleteScene(doc, 's2');
      scene(doc, 's3', 'INT. CAR - NIGHT');
    });
    const v2 = await call('owner', 'POST', '', { name: 'Second cut' });
    expect(v2.status).toBe(201);

    const list = await call('viewer', 'GET', '');
    expect(list.status).toBe(200);
    expect(list.body.items.map((v: { name: string }) => v.name).sort()).toEqual(['First cut', 'Second cut']);

    const preview = await call('viewer', 'GET', `/${v1.body.version.id}`);
    expect(preview.status).toBe(200);
    expect(preview.body.script).toBe('FADE IN:\nINT. HOUSE - DAY\nAda waits.');
    expect(preview.body.scenes.map((s: { id: string }) => s.id)).toEqual(['s1', 's2']);

    const diff = await call('viewer', 'GET', `/${v1.body.version.id}/diff/${v2.body.version.id}`);
    expect(diff.status).toBe(200);
    expect(diff.body.script.lines).toEqual([
      { op: 'equal', text: 'FADE IN:' },
      { op: 'equal', text: 'INT. HOUSE - DAY' },
      { op: 'remove', text: 'Ada waits.' },
      { op: 'add', text: 'Ada leaves.' },
    ]);
    expect(diff.body.scenes.added.map((s: { id: string }) => s.id)).toEqual(['s3']);
    expect(diff.body.scenes.removed.map((s: { id: string }) => s.id)).toEqual(['s2']);
    expect(diff.body.scenes.changed).toEqual([expect.objectContaining({ id: 's1', fields: ['shot'] })]);

    const sub = h.redis.duplicate();
    const published = new Promise<Uint8Array>((resolve) => {
      sub.on('messageBuffer', (_channel: Buffer, data: Buffer) => {
        const message = decodeDocChannelMessage(data);
        if (message?.kind === DOC_CHANNEL_MESSAGE.update) resolve(message.payload);
      });
    });
    await sub.subscribe(docChannel(project));
    const restore = await call('owner', 'POST', `/${v1.body.version.id}/restore`);
    expect(restore.status).toBe(200);
    expect(restore.body).toMatchObject({ changed: true, restoredFrom: { id: v1.body.version.id } });
    expect(restore.body.backup).toMatchObject({ source: 'restore' });

    // A connected client applying the published update sees the restored content.
    Y.applyUpdate(client, await published);
    sub.disconnect();
    const expected = { script: preview.body.script, scenes: preview.body.scenes };
    expect(readDocumentContent(client)).toEqual(expected);
    const { doc: stored } = await loadDocument(h.db.sql, project);
    expect(readDocumentContent(stored)).toEqual(expected);

    // History is not rewritten: the second cut is still there, and so is the backup.
    const after = await call('owner', 'GET', '');
    expect(after.body.items).toHaveLength(3);
    const again = await call('owner', 'POST', `/${v1.body.version.id}/restore`);
    expect(again.body.changed).toBe(false);
  });

  it('checks roles and membership, and validates bodies', async () => {
    expect((await call('viewer', 'POST', '', { name: 'nope' })).status).toBe(403);
    expect((await call('stranger', 'GET', '')).status).toBe(404);
    const bad = await call('owner', 'POST', '', { name: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect((await call('owner', 'GET', `/${randomUUID()}`)).status).toBe(404);
    const anonymous = await h.app.request(`/api/v1/projects/${project}/versions`);
    expect(anonymous.status).toBe(401);
  });
});
