import { randomUUID } from 'node:crypto';
import { insertScene, sceneData, sceneEntries, sceneOrder } from '@clapboard/screenplay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createTestDatabase, type TestDatabase, testServices } from '../testing';
import { appendUpdates } from './append-updates';
import { compactDocument, compactLiveDocument } from './compact-document';
import { loadDocument, loadDocumentState } from './load-document';
import { documentMergeStats, mergeDocumentStateOffThread } from './merge-document-state';
import { readDocumentContent } from './read-document-content';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(testServices(process.env).databaseUrl);
});
afterAll(async () => {
  await db.drop();
});

async function newProject(): Promise<string> {
  const id = randomUUID();
  await db.sql`insert into projects (id, name) values (${id}, 'p')`;
  return id;
}

/** Makes `n` edits on a client doc and returns the update of each. */
function edits(doc: Y.Doc, n: number, tag: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const capture = (u: Uint8Array) => out.push(u);
  doc.on('update', capture);
  for (let i = 0; i < n; i++) doc.getText('script').insert(0, `${tag}${i};`);
  doc.off('update', capture);
  return out;
}

describe('document persistence', () => {
  it('appends a batch in one insert and loads it back', async () => {
    const docId = await newProject();
    const client = new Y.Doc();
    const ids = await appendUpdates(db.sql, docId, edits(client, 5, 'a'));
    expect(ids).toHaveLength(5);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    const { doc, pendingUpdates } = await loadDocument(db.sql, docId);
    expect(pendingUpdates).toBe(5);
    expect(doc.getText('script').toString()).toBe(client.getText('script').toString());
  });

  it('stores an update once, however many instances write it, in one batch or many', async () => {
    const docId = await newProject();
    const updates = edits(new Y.Doc(), 4, 'h');
    expect(await appendUpdates(db.sql, docId, updates.slice(0, 2))).toHaveLength(2);
    // The same bytes again (as a second instance that relayed them writes them), with a repeat and
    // two new ones in the same batch: only the new ones are inserted.
    const again = await appendUpdates(db.sql, docId, [...updates, updates[3]!]);
    expect(again).toHaveLength(2);
    const rows = await db.sql<{ update: Buffer }[]>`
      select update from doc_updates where doc_id = ${docId} order by id`;
    expect(rows.map((r) => Buffer.from(r.update).toString('hex')).sort()).toEqual(
      updates.map((u) => Buffer.from(u).toString('hex')).sort(),
    );
    // Another document may hold the same bytes.
    expect(await appendUpdates(db.sql, await newProject(), updates.slice(0, 1))).toHaveLength(1);
  });

  it('loads an empty document for a project with no rows', async () => {
    const { doc, storedBytes } = await loadDocument(db.sql, await newProject());
    expect(doc.getText('script').toString()).toBe('');
    expect(storedBytes).toBe(0);
  });

  it('compaction folds rows into the snapshot and deletes exactly them', async () => {
    const docId = await newProject();
    const client = new Y.Doc();
    await appendUpdates(db.sql, docId, edits(client, 20, 'x'));
    const first = await compactDocument(db.sql, docId);
    expect(first.folded).toBe(20);
    expect((await db.sql`select count(*)::int as n from doc_updates where doc_id = ${docId}`)[0]!.n).toBe(0);
    await appendUpdates(db.sql, docId, edits(client, 3, 'y'));
    const second = await compactDocument(db.sql, docId);
    expect(second.folded).toBe(3);
    const [snap] = await db.sql<{ last_update_id: number }[]>`
      select last_update_id from doc_snapshots where doc_id = ${docId}`;
    expect(snap!.last_update_id).toBeGreaterThan(0);
    const { doc } = await loadDocument(db.sql, docId);
    expect(doc.getText('script').toString()).toBe(client.getText('script').toString());
    expect(await compactDocument(db.sql, docId)).toEqual({ folded: 0, snapshotBytes: 0 });
  });

  it('compaction folding a large document on the merge thread stores what folding inline stores', async () => {
    const [threaded, inline] = [await newProject(), await newProject()];
    const client = new Y.Doc();
    // Over DOCUMENT_MERGE_DEFAULTS.inlineMaxBytes, so both folds go to the thread.
    const first = [...edits(client, 1, 'x'.repeat(40_000)), ...edits(client, 29, 't')];
    const then = edits(client, 10, 'u');
    for (const docId of [threaded, inline]) await appendUpdates(db.sql, docId, first);
    const before = { ...documentMergeStats };
    expect((await compactDocument(db.sql, threaded, undefined, mergeDocumentStateOffThread)).folded).toBe(30);
    expect((await compactDocument(db.sql, inline)).folded).toBe(30);
    for (const docId of [threaded, inline]) await appendUpdates(db.sql, docId, then);
    expect((await compactDocument(db.sql, threaded, undefined, mergeDocumentStateOffThread)).folded).toBe(10);
    expect((await compactDocument(db.sql, inline)).folded).toBe(10);
    expect(documentMergeStats.threaded).toBe(before.threaded + 2);
    const states = await db.sql<{ doc_id: string; state: Buffer }[]>`
      select doc_id, state from doc_snapshots where doc_id in ${db.sql([threaded, inline])}`;
    expect(states).toHaveLength(2);
    expect(states[0]!.state.equals(states[1]!.state)).toBe(true);
    const { doc } = await loadDocument(db.sql, threaded);
    expect(doc.getText('script').toString()).toBe(client.getText('script').toString());
  });

  it('never loses an update when appends and compactions race', async () => {
    const docId = await newProject();
    const client = new Y.Doc();
    const updates = edits(client, 200, 'r');
    const writers = Promise.all(
      Array.from({ length: 20 }, (_, i) => appendUpdates(db.sql, docId, updates.slice(i * 10, i * 10 + 10))),
    );
    const compactors = Promise.all(Array.from({ length: 5 }, () => compactDocument(db.sql, docId)));
    await Promise.all([writers, compactors]);
    await compactDocument(db.sql, docId);
    const { doc } = await loadDocument(db.sql, docId);
    expect(doc.getText('script').toString()).toBe(client.getText('script').toString());
  });

  /** A server's copy of a stored document: loaded, with what it needs to compact from memory. */
  async function liveCopy(docId: string) {
    const { state, snapshotVersion, updateIds } = await loadDocumentState(db.sql, docId);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    return { doc, knownVersion: snapshotVersion as string | null | undefined, rowIds: [...updateIds] };
  }
  const rowCount = async (docId: string) =>
    (await db.sql<{ n: number }[]>`select count(*)::int as n from doc_updates where doc_id = ${docId}`)[0]!.n;

  it('compaction from memory stores the live state and deletes exactly the rows it was given', async () => {
    const docId = await newProject();
    const client = new Y.Doc();
    await appendUpdates(db.sql, docId, edits(client, 10, 'a'));
    const live = await liveCopy(docId);
    expect(live).toMatchObject({ knownVersion: null });
    expect(live.rowIds).toHaveLength(10);
    // Another writer's row, which this copy never saw: it must stay.
    const other = new Y.Doc();
    await appendUpdates(db.sql, docId, edits(other, 1, 'OTHER'));

    const first = await compactLiveDocument(db.sql, docId, live.doc, { ...live, origin: null });
    expect(first).toMatchObject({ folded: 10, refreshed: false });
    expect(first.snapshotBytes).toBe(Y.encodeStateAsUpdate(live.doc).length);
    expect(await rowCount(docId)).toBe(1);
    const [snap] = await db.sql<{ version: string }[]>`
      select xmin::text as version from doc_snapshots where doc_id = ${docId}`;
    expect(snap!.version).toBe(first.version);

    // The server applies more edits, stores them, and compacts again from the version it wrote.
    Y.applyUpdate(client, Y.encodeStateAsUpdate(live.doc));
    const more = edits(live.doc, 5, 'b');
    const ids = await appendUpdates(db.sql, docId, more);
    const second = await compactLiveDocument(db.sql, docId, live.doc, {
      knownVersion: first.version,
      rowIds: ids,
      origin: null,
    });
    expect(second).toMatchObject({ folded: 5, refreshed: false });
    expect(second.version).not.toBe(first.version);
    expect(await rowCount(docId)).toBe(1);

    const expected = new Y.Doc();
    Y.applyUpdate(expected, Y.encodeStateAsUpdate(live.doc));
    Y.applyUpdate(expected, Y.encodeStateAsUpdate(other));
    const { doc } = await loadDocument(db.sql, docId);
    expect(doc.getText('script').toString()).toBe(expected.getText('script').toString());
    expect(doc.getText('script').toString()).toContain('OTHER0;');
  });

  it('compaction from memory first applies a snapshot someone else wrote, so nothing it held is lost', async () => {
    const docId = await newProject();
    await appendUpdates(db.sql, docId, edits(new Y.Doc(), 3, 'a'));
    const live = await liveCopy(docId);
    // Another instance stores edits this copy never receives, and folds them (with everything else)
    // into a new snapshot: their rows are gone, only that snapshot holds them.
    const other = new Y.Doc();
    await appendUpdates(db.sql, docId, edits(other, 4, 'LOST?'));
    expect((await compactDocument(db.sql, docId)).folded).toBe(7);
    expect(live.doc.getText('script').toString()).not.toContain('LOST?');

    const origins: unknown[] = [];
    live.doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin));
    const result = await compactLiveDocument(db.sql, docId, live.doc, { ...live, origin: 'elsewhere' });
    expect(result).toMatchObject({ refreshed: true, folded: 0 });
    // The copy now holds the other instance's edits, applied with the caller's origin.
    expect(live.doc.getText('script').toString()).toContain('LOST?3;');
    expect(origins).toEqual(['elsewhere']);
    const { doc } = await loadDocument(db.sql, docId);
    expect(doc.getText('script').toString()).toBe(live.doc.getText('script').toString());
    // Its own version now: the next compaction reads no snapshot.
    const next = await compactLiveDocument(db.sql, docId, live.doc, {
      knownVersion: result.version,
      rowIds: [],
      origin: 'elsewhere',
    });
    expect(next.refreshed).toBe(false);
    expect(origins).toEqual(['elsewhere']);
  });

  it('never loses an update when compactions from memory race appends, other instances and full folds', async () => {
    const docId = await newProject();
    const live = await liveCopy(docId);
    const other = new Y.Doc();
    const otherUpdates = edits(other, 60, 'o');
    const work: Promise<unknown>[] = [];
    for (let round = 0; round < 20; round++) {
      // This server applies 10 edits, stores them and tracks their rows; another instance stores 3
      // it never relays; now and then someone folds everything.
      const mine = edits(live.doc, 10, `m${round}-`);
      work.push(appendUpdates(db.sql, docId, mine).then((ids) => live.rowIds.push(...ids)));
      work.push(appendUpdates(db.sql, docId, otherUpdates.slice(round * 3, round * 3 + 3)));
      if (round % 5 === 2) work.push(compactDocument(db.sql, docId));
      work.push(
        compactLiveDocument(db.sql, docId, live.doc, {
          knownVersion: live.knownVersion,
          rowIds: live.rowIds.slice(),
          origin: null,
        }).then((r) => {
          live.knownVersion = r.version;
        }),
      );
    }
    await Promise.all(work);
    const expected = new Y.Doc();
    Y.applyUpdate(expected, Y.encodeStateAsUpdate(live.doc));
    Y.applyUpdate(expected, Y.encodeStateAsUpdate(other));
    const { doc } = await loadDocument(db.sql, docId);
    expect(doc.getText('script').toString()).toBe(expected.getText('script').toString());
    expect(doc.getText('script').length).toBe(expected.getText('script').length);
  });

  it('reads script and scenes as plain content', () => {
    const doc = new Y.Doc();
    doc.getText('script').insert(0, 'INT. HOUSE - DAY');
    insertScene(doc, 0, { id: 's1', heading: 'INT. HOUSE - DAY' });
    // Leftovers readers skip: an id whose data is gone, a doubled id, a value that is not a map.
    sceneOrder(doc).push(['gone', 's1']);
    sceneData(doc).set('stray', 'x' as unknown as Y.Map<unknown>);
    expect(readDocumentContent(doc)).toEqual({
      script: 'INT. HOUSE - DAY',
      scenes: [{ id: 's1', heading: 'INT. HOUSE - DAY' }],
    });
  });

  it('migrates a stored old-layout document (Y.Array of scene maps) once, keeping order and fields', async () => {
    const docId = await newProject();
    const old = new Y.Doc();
    const scene = (fields: Record<string, unknown>) => {
      const m = new Y.Map<unknown>();
      for (const [k, v] of Object.entries(fields)) m.set(k, v);
      return m;
    };
    old.getArray('scenes').push([
      scene({ id: 'b', heading: 'EXT. ROAD - NIGHT', notes: 'rain', shot: 'close' }),
      scene({ id: 'a', heading: 'INT. HOUSE - DAY', dialogue: [{ character: 'ANN', text: 'Hi.' }] }),
      // A copy left by two old-layout moves at once, and a map without an id: both dropped, as readers did.
      scene({ id: 'b', heading: 'EXT. ROAD - NIGHT', notes: 'stale copy' }),
      scene({ heading: 'no id' }),
    ]);
    await appendUpdates(db.sql, docId, [Y.encodeStateAsUpdate(old)]);

    const { doc } = await loadDocument(db.sql, docId);
    const read = (d: Y.Doc) => sceneEntries(d).map(({ id, map }) => [id, map.toJSON()]);
    expect(read(doc)).toEqual([
      ['b', { id: 'b', heading: 'EXT. ROAD - NIGHT', notes: 'rain', shot: 'close' }],
      ['a', { id: 'a', heading: 'INT. HOUSE - DAY', dialogue: [{ character: 'ANN', text: 'Hi.' }] }],
    ]);
    expect(doc.getArray('scenes').length).toBe(0);
    expect(readDocumentContent(doc).scenes.map((s) => s.id)).toEqual(['b', 'a']);

    // Idempotent: storing the migrated state and loading again changes nothing and adds no copy.
    await appendUpdates(db.sql, docId, [Y.encodeStateAsUpdate(doc)]);
    const again = await loadDocument(db.sql, docId);
    expect(read(again.doc)).toEqual(read(doc));
    expect(sceneOrder(again.doc).toArray()).toEqual(['b', 'a']);
  });
});
