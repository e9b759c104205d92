import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  DOCUMENT_MERGE_DEFAULTS,
  documentMergeStats,
  mergeDocumentState,
  mergeDocumentStateOffThread,
} from './merge-document-state';

/** A script typed one piece at a time at random places (so its items do not merge): about 2 KB a
 * hundred pieces as one snapshot, plus the single-piece updates that follow it. */
function typedDocument(
  pieces: number,
  after: number,
): { snapshot: Uint8Array; updates: Uint8Array[]; text: string } {
  const doc = new Y.Doc();
  const text = doc.getText('script');
  for (let i = 0; i < pieces; i++) text.insert(Math.floor(Math.random() * (text.length + 1)), 'ab');
  const snapshot = Y.encodeStateAsUpdate(doc);
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < after; i++) text.insert(Math.floor(Math.random() * (text.length + 1)), `${i % 10}`);
  return { snapshot, updates, text: text.toString() };
}

const textOf = (state: Uint8Array) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc.getText('script').toString();
};

describe('mergeDocumentStateOffThread', () => {
  it('folds a large document on the merge thread and a small one inline, each as folding inline does', async () => {
    const large = typedDocument(6_000, 300);
    expect(large.snapshot.length).toBeGreaterThan(DOCUMENT_MERGE_DEFAULTS.inlineMaxBytes);
    let before = { ...documentMergeStats };
    const threaded = await mergeDocumentStateOffThread(large.snapshot, large.updates);
    expect(documentMergeStats).toEqual({ ...before, threaded: before.threaded + 1 });
    expect(Buffer.from(threaded).equals(Buffer.from(mergeDocumentState(large.snapshot, large.updates)))).toBe(
      true,
    );
    expect(textOf(threaded)).toBe(large.text);

    const small = typedDocument(100, 20);
    before = { ...documentMergeStats };
    expect(textOf(await mergeDocumentStateOffThread(small.snapshot, small.updates))).toBe(small.text);
    expect(documentMergeStats).toEqual({ ...before, inline: before.inline + 1 });
    // No snapshot yet: the rows alone.
    const fresh = typedDocument(0, 5);
    expect(textOf(await mergeDocumentStateOffThread(undefined, fresh.updates))).toBe(fresh.text);
  });

  it('folds rows in any order as fast as in typing order (an insert stores its rows in hash order)', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    const text = doc.getText('script');
    for (let i = 0; i < 500; i++) text.insert(Math.floor(Math.random() * (text.length + 1)), 'x');
    const shuffled = [...updates].sort(() => Math.random() - 0.5);
    const timed = (rows: Uint8Array[]) => {
      const t0 = performance.now();
      const state = mergeDocumentState(undefined, rows);
      return { state, ms: performance.now() - t0 };
    };
    timed(updates); // warm-up
    const inOrder = timed(updates);
    const outOfOrder = timed(shuffled);
    expect(textOf(outOfOrder.state)).toBe(text.toString());
    expect(textOf(inOrder.state)).toBe(text.toString());
    // Applied one by one, these 500 rows took 100-660 ms out of order against 5-17 ms in order.
    expect(
      outOfOrder.ms,
      `${outOfOrder.ms.toFixed(1)} ms shuffled, ${inOrder.ms.toFixed(1)} ms in order`,
    ).toBeLessThan(3 * inOrder.ms + 20);
  });

  it('keeps the event loop free while a large document folds', async () => {
    // About 80,000 characters in 40,000 separate items: folding takes this machine well over 100 ms.
    const { snapshot, updates, text } = typedDocument(40_000, 200);
    let t0 = performance.now();
    mergeDocumentState(snapshot, updates);
    const inlineMs = performance.now() - t0;
    expect(inlineMs).toBeGreaterThan(60);

    // The longest gap between 1 ms ticks while the same fold runs on the thread.
    let longest = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 1);
    t0 = performance.now();
    const state = await mergeDocumentStateOffThread(snapshot, updates);
    const threadMs = performance.now() - t0;
    clearInterval(ticker);
    expect(textOf(state)).toBe(text);
    // Inline, the loop would stall for the whole fold; on the thread it only copies the bytes over.
    expect(
      longest,
      `longest gap ${longest.toFixed(1)} ms, fold ${inlineMs.toFixed(1)} ms inline, ${threadMs.toFixed(1)} ms threaded`,
    ).toBeLessThan(inlineMs / 2);
  });

  it('a corrupt update fails the merge with an error, on the thread as inline, and leaves the thread usable', async () => {
    const { snapshot, updates } = typedDocument(6_000, 2);
    const corrupt = new Uint8Array(40_000).fill(255);
    await expect(mergeDocumentStateOffThread(snapshot, [corrupt])).rejects.toThrow();
    await expect(mergeDocumentStateOffThread(undefined, [corrupt.subarray(0, 8)])).rejects.toThrow();
    const before = { ...documentMergeStats };
    await mergeDocumentStateOffThread(snapshot, updates);
    expect(documentMergeStats).toEqual({ ...before, threaded: before.threaded + 1 });
  });
});
