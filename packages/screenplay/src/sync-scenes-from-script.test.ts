import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { confirmRemoval } from './confirm-removal';
import { dedupeScenes } from './dedupe-scenes';
import { describeSceneSync } from './describe-scene-sync';
import { sceneEntries, sceneJson } from './scene-record';
import { previewSceneSync, syncScenesFromScript } from './sync-scenes-from-script';

function counter(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

function docWith(script: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText('script').insert(0, script);
  return doc;
}

function setScript(doc: Y.Doc, script: string): void {
  const text = doc.getText('script');
  doc.transact(() => {
    text.delete(0, text.length);
    text.insert(0, script);
  });
}

type Row = Record<string, unknown>;
const rows = (doc: Y.Doc): Row[] => sceneJson(doc) as Row[];
const live = (doc: Y.Doc) => rows(doc).filter((r) => !r.removed);
const byHeading = (doc: Y.Doc, heading: string) => live(doc).find((r) => r.heading === heading)!;

function scene(heading: string, ...lines: string[]): string {
  return `${heading}\n\n${lines.map((l, i) => `${i % 2 ? 'BOB' : 'ALICE'}\n${l}`).join('\n\n')}\n\n`;
}

const KITCHEN = scene(
  'INT. KITCHEN - DAY',
  'The soup is cold again today.',
  'I made it this morning for you.',
);
const GARDEN = scene('EXT. GARDEN - NIGHT', 'Look at all those stars above.', 'Too many to count tonight.');
const GARAGE = scene('INT. GARAGE - DAY', 'Where are the keys to the truck?', 'On the hook by the door.');

describe('syncScenesFromScript', () => {
  it('adds scenes with defaults and derived fields', () => {
    const doc = docWith(KITCHEN + GARDEN);
    const plan = syncScenesFromScript(doc, { newId: counter('s') });
    expect(plan.order).toEqual(['s1', 's2']);
    expect(rows(doc)[0]).toMatchObject({
      id: 's1',
      heading: 'INT. KITCHEN - DAY',
      shot: 'medium',
      camera: 'static',
      removed: false,
      dialogue: [
        { character: 'ALICE', text: 'The soup is cold again today.', parenthetical: null, extension: null },
        { character: 'BOB', text: 'I made it this morning for you.', parenthetical: null, extension: null },
      ],
    });
    expect(rows(doc)[0]!.durationSec).toBeGreaterThan(2);
  });

  it('keeps ids and user fields through edits, renames, moves, and marks removed scenes', () => {
    const doc = docWith(KITCHEN + GARDEN + GARAGE);
    syncScenesFromScript(doc, { newId: counter('s') });
    sceneEntries(doc)[0]!.map.set('notes', 'warm light');
    sceneEntries(doc)[1]!.map.set('frameAssetId', 'asset-9');
    sceneEntries(doc)[2]!.map.set('shot', 'close');

    const renamedGarden = GARDEN.replace('EXT. GARDEN - NIGHT', 'EXT. BACK GARDEN - NIGHT');
    const editedKitchen = KITCHEN.replace('cold again', 'cold once again');
    setScript(doc, GARAGE + editedKitchen + renamedGarden.replace('stars', 'bright stars'));
    const preview = describeSceneSync(previewSceneSync(doc, { newId: counter('x') }));
    expect(preview.added).toBe(0);
    expect(preview.updated).toBe(2);
    expect(preview.moved).toBe(1);
    syncScenesFromScript(doc, { newId: counter('x') });

    expect(live(doc).map((r) => r.id)).toEqual(['s3', 's1', 's2']);
    expect(byHeading(doc, 'INT. KITCHEN - DAY')).toMatchObject({ id: 's1', notes: 'warm light' });
    expect(byHeading(doc, 'EXT. BACK GARDEN - NIGHT')).toMatchObject({ id: 's2', frameAssetId: 'asset-9' });
    expect(byHeading(doc, 'INT. GARAGE - DAY')).toMatchObject({ id: 's3', shot: 'close' });

    setScript(doc, GARAGE + editedKitchen);
    const plan = syncScenesFromScript(doc, { newId: counter('y') });
    expect(plan.changes.filter((c) => c.kind === 'markRemoved').map((c) => c.id)).toEqual(['s2']);
    expect(rows(doc).find((r) => r.id === 's2')).toMatchObject({ removed: true, frameAssetId: 'asset-9' });

    // Back in the script before anyone confirmed: revived with its frame.
    setScript(doc, GARAGE + editedKitchen + renamedGarden);
    syncScenesFromScript(doc, { newId: counter('z') });
    expect(rows(doc).find((r) => r.id === 's2')).toMatchObject({ removed: false, frameAssetId: 'asset-9' });

    setScript(doc, GARAGE);
    syncScenesFromScript(doc, { newId: counter('w') });
    expect(confirmRemoval(doc, ['s1'])).toEqual(['s1']);
    expect(rows(doc).map((r) => r.id)).toEqual(['s3', 's2']);
    expect(confirmRemoval(doc)).toEqual(['s2']);
    expect(rows(doc).map((r) => r.id)).toEqual(['s3']);
  });

  it('gives the id to the larger half of a split scene', () => {
    const split = (first: string, second: string) => {
      const long = scene(
        'INT. KITCHEN - DAY',
        'The soup is cold again today.',
        'I made it this morning for you.',
        'Then heat it up yourself please.',
        'Fine I will use the stove now.',
        'Careful the pan is very hot.',
      );
      const doc = docWith(long);
      syncScenesFromScript(doc, { newId: counter('s') });
      sceneEntries(doc)[0]!.map.set('notes', 'keep me');
      const firstHalf = scene(first, 'The soup is cold again today.');
      const secondHalf = scene(
        second,
        'I made it this morning for you.',
        'Then heat it up yourself please.',
        'Fine I will use the stove now.',
        'Careful the pan is very hot.',
      );
      setScript(doc, firstHalf + secondHalf);
      syncScenesFromScript(doc, { newId: counter('n') });
      return live(doc).map((r) => [r.id, r.notes]);
    };
    // Both halves keep the heading, or both change it: the larger (second) half keeps the id.
    expect(split('INT. KITCHEN - DAY', 'INT. KITCHEN - DAY')).toEqual([
      ['n1', ''],
      ['s1', 'keep me'],
    ]);
    expect(split('INT. KITCHEN - MORNING', 'INT. KITCHEN - LATER')).toEqual([
      ['n1', ''],
      ['s1', 'keep me'],
    ]);
    // An unchanged heading wins over size.
    expect(split('INT. KITCHEN - DAY', 'INT. KITCHEN - LATER')).toEqual([
      ['s1', 'keep me'],
      ['n1', ''],
    ]);
  });

  it('describes a plan for the sync dialog', () => {
    const doc = docWith(KITCHEN);
    syncScenesFromScript(doc, { newId: counter('s') });
    expect(describeSceneSync(previewSceneSync(doc)).summary).toBe('Scenes are up to date');
    setScript(doc, GARDEN);
    const preview = describeSceneSync(previewSceneSync(doc, { newId: counter('p') }));
    expect(preview.summary).toBe('1 new, 1 to remove');
    expect(preview.lines).toEqual([
      'New scene 1: EXT. GARDEN - NIGHT',
      'Remove INT. KITCHEN - DAY (no longer in the script; kept until you confirm)',
    ]);
    expect(rows(doc).map((r) => r.heading)).toEqual(['INT. KITCHEN - DAY']);
  });

  it('keeps every id whose heading is unchanged under random edits (property)', () => {
    const HEADINGS = [
      'INT. KITCHEN - DAY',
      'EXT. GARDEN - NIGHT',
      'INT. GARAGE - DAY',
      'EXT. ROOF - DUSK',
      'INT. CAR',
    ];
    const line = fc.constantFrom('Hello there.', 'Not now.', 'Where were you?', 'Run!', 'Fine.');
    const sceneArb = (headings: string[]) =>
      fc.record({ heading: fc.constantFrom(...headings), lines: fc.array(line, { maxLength: 3 }) });
    const write = (ss: { heading: string; lines: string[] }[]) =>
      ss.map((s) => scene(s.heading, ...s.lines)).join('');
    const edit = fc.oneof(
      fc.record({ op: fc.constant('text' as const), at: fc.nat(), lines: fc.array(line, { maxLength: 3 }) }),
      fc.record({ op: fc.constant('move' as const), at: fc.nat(), to: fc.nat() }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), n: fc.nat(999) }),
      fc.record({ op: fc.constant('rename' as const), at: fc.nat(), n: fc.nat(999) }),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(sceneArb(HEADINGS), { selector: (s) => s.heading, minLength: 1, maxLength: 5 }),
        fc.array(edit, { maxLength: 6 }),
        (initial, edits) => {
          const doc = docWith(write(initial));
          syncScenesFromScript(doc, { newId: counter('a') });
          const idOf = new Map(live(doc).map((r) => [r.heading as string, r.id as string]));
          const next = initial.map((s) => ({ ...s }));
          for (const e of edits) {
            if (next.length === 0) break;
            const i = e.at % next.length;
            if (e.op === 'text') next[i]!.lines = e.lines;
            else if (e.op === 'move') next.splice(e.to % next.length, 0, next.splice(i, 1)[0]!);
            else if (e.op === 'delete') next.splice(i, 1);
            else if (e.op === 'insert')
              next.splice(i, 0, { heading: `EXT. NEW PLACE ${e.n} - DAY`, lines: [] });
            else next[i]!.heading = `INT. RENAMED ${e.n}`;
          }
          setScript(doc, write(next));
          syncScenesFromScript(doc, { newId: counter('b') });
          const after = live(doc);
          expect(after.map((r) => r.heading)).toEqual(next.map((s) => s.heading));
          for (const s of next) {
            const before = idOf.get(s.heading);
            if (before) expect(after.find((r) => r.heading === s.heading)!.id).toBe(before);
          }
          expect(new Set(rows(doc).map((r) => r.id)).size).toBe(rows(doc).length);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('scene sync with two concurrent peers', () => {
  function pair(script: string) {
    const a = docWith(script);
    syncScenesFromScript(a, { newId: counter('base') });
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    return { a, b };
  }
  function exchange(a: Y.Doc, b: Y.Doc) {
    const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
    const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
    Y.applyUpdate(b, toB);
    Y.applyUpdate(a, toA);
  }
  function expectConverged(a: Y.Doc, b: Y.Doc, preexisting: string[]) {
    expect(rows(a)).toEqual(rows(b));
    const ids = rows(a).map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of preexisting) expect(ids).toContain(id);
  }

  it('converges when both add the same new scene and move the same scene', () => {
    const { a, b } = pair(KITCHEN + GARDEN + GARAGE);
    const before = rows(a).map((r) => r.id as string);
    sceneEntries(a)[0]!.map.set('notes', 'from A');
    setScript(a, GARAGE + KITCHEN + GARDEN + scene('EXT. ROOF - DUSK', 'Up here.'));
    exchange(a, b);
    sceneEntries(b)[1]!.map.set('frameAssetId', 'frame-B');
    // Both see the new script and sync at the same moment with their own id generators.
    syncScenesFromScript(a, { newId: counter('a') });
    syncScenesFromScript(b, { newId: counter('b') });
    exchange(a, b);
    expect(live(a).filter((r) => r.heading === 'EXT. ROOF - DUSK')).toHaveLength(2);
    dedupeScenes(a);
    dedupeScenes(b);
    exchange(a, b);
    expectConverged(a, b, before);
    expect(live(a).map((r) => r.heading)).toEqual([
      'INT. GARAGE - DAY',
      'INT. KITCHEN - DAY',
      'EXT. GARDEN - NIGHT',
      'EXT. ROOF - DUSK',
    ]);
    expect(byHeading(a, 'INT. KITCHEN - DAY')).toMatchObject({ id: before[0], notes: 'from A' });
    expect(byHeading(a, 'EXT. GARDEN - NIGHT')).toMatchObject({ id: before[1], frameAssetId: 'frame-B' });
    expect(byHeading(a, 'EXT. ROOF - DUSK').id).toBe('a1');
    // A further sync on the merged state changes nothing.
    expect(describeSceneSync(previewSceneSync(a)).summary).toBe('Scenes are up to date');
  });

  it('keeps both peers’ scenes when each edits the script and syncs before seeing the other', () => {
    const { a, b } = pair(KITCHEN + GARDEN);
    const before = rows(a).map((r) => r.id as string);
    const textA = a.getText('script');
    textA.insert(textA.length, scene('EXT. ROOF - DUSK', 'Up here.'));
    syncScenesFromScript(a, { newId: counter('a') });
    const textB = b.getText('script');
    textB.insert(0, scene('INT. CELLAR - NIGHT', 'Down here.'));
    sceneEntries(b)[0]!.map.set('imagePrompt', 'steam over a pot');
    syncScenesFromScript(b, { newId: counter('b') });
    exchange(a, b);
    syncScenesFromScript(a, { newId: counter('a2') });
    syncScenesFromScript(b, { newId: counter('b2') });
    exchange(a, b);
    expectConverged(a, b, before);
    expect(live(a).map((r) => [r.heading, r.id])).toEqual([
      ['INT. CELLAR - NIGHT', 'b1'],
      ['INT. KITCHEN - DAY', before[0]],
      ['EXT. GARDEN - NIGHT', before[1]],
      ['EXT. ROOF - DUSK', 'a1'],
    ]);
    expect(byHeading(b, 'INT. KITCHEN - DAY').imagePrompt).toBe('steam over a pot');
  });

  it('converges under random concurrent script edits and syncs (property)', () => {
    const pool = [
      KITCHEN,
      GARDEN,
      GARAGE,
      scene('EXT. ROOF - DUSK', 'Up here.'),
      scene('INT. CAR', 'Drive.'),
    ];
    const order = fc.uniqueArray(fc.integer({ min: 0, max: pool.length - 1 }), {
      minLength: 1,
      maxLength: 5,
    });
    fc.assert(
      fc.property(order, order, order, (start, forA, forB) => {
        const { a, b } = pair(start.map((i) => pool[i]).join(''));
        const before = live(a).map((r) => r.id as string);
        const keep = new Set(start.filter((i) => forA.includes(i) || forB.includes(i)));
        setScript(a, forA.map((i) => pool[i]).join(''));
        syncScenesFromScript(a, { newId: counter('a') });
        setScript(b, forB.map((i) => pool[i]).join(''));
        syncScenesFromScript(b, { newId: counter('b') });
        exchange(a, b);
        dedupeScenes(a);
        dedupeScenes(b);
        exchange(a, b);
        const ids = rows(a).map((r) => r.id);
        expect(rows(a)).toEqual(rows(b));
        expect(new Set(ids).size).toBe(ids.length);
        // Pre-existing scenes survive (live or marked removed, never deleted by a sync).
        for (const id of before) expect(ids).toContain(id);
        expect(keep.size).toBeLessThanOrEqual(before.length);
      }),
      { numRuns: 60 },
    );
  });
});
