import * as Y from 'yjs';
import { ModuleThreadPool } from '../threads';

/**
 * A document's snapshot and update rows folded into one state. The parts are merged first
 * (`Y.mergeUpdates` sorts every client's structs, so rows in any order cost the same: rows of one
 * insert carry ids in the insert's (document, hash) order, not in the order they were typed) and
 * then applied once to a Y.Doc, so deleted content is garbage-collected and the snapshot shrinks.
 * Applying the rows one by one instead made Yjs park each out-of-order row as pending and retry
 * the pending ones on every later row: 100-660 ms for 500 one-character rows against 5-17 ms.
 */
export function mergeDocumentState(
  snapshot: Uint8Array | undefined,
  updates: readonly Uint8Array[],
): Uint8Array {
  const parts = snapshot ? [snapshot, ...updates] : [...updates];
  if (parts.length === 0) return Y.encodeStateAsUpdate(new Y.Doc());
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts));
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/** Snapshot and updates in one buffer (moved to the thread, not copied per row). */
interface PackedParts {
  bytes: Uint8Array;
  /** End offset of each part in `bytes`. */
  ends: Uint32Array;
  hasSnapshot: boolean;
}

/** Exported for the merge thread only. */
export function mergePackedDocumentState({ bytes, ends, hasSnapshot }: PackedParts): Uint8Array {
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const end of ends) {
    parts.push(bytes.subarray(start, end));
    start = end;
  }
  return hasSnapshot ? mergeDocumentState(parts[0], parts.slice(1)) : mergeDocumentState(undefined, parts);
}

/** One defaults object for folding documents off the event loop. */
export const DOCUMENT_MERGE_DEFAULTS = {
  /**
   * Snapshot + rows up to this many bytes fold inline: a few ms (a 2,000-character script with
   * 500 rows is about 30 KB and 5 ms), less than handing them to a thread costs in memory (the
   * thread's heap is about 35 MB, and grows by tens of MB on a busy instance). Larger documents,
   * whose folds take hundreds of ms (about 0.2 ms per KB), go to the merge thread.
   */
  inlineMaxBytes: 32 * 1024,
} as const;

const mergeThreads = new ModuleThreadPool<PackedParts, Uint8Array>({
  name: 'document merge',
  moduleUrl: import.meta.url,
  exportName: 'mergePackedDocumentState',
  threads: 1,
});

/**
 * How folds ran: small documents inline, large ones on the merge thread, and large ones inline
 * because the thread could not run (for /healthz and tests).
 */
export const documentMergeStats = { inline: 0, threaded: 0, inlineFallback: 0 };

/**
 * `mergeDocumentState` without stalling the event loop that relays every other document's edits:
 * a large document (over `inlineMaxBytes`) folds on a thread of its own, which starts on the first
 * such fold and does not keep the process alive. Falls back to folding inline when the thread
 * cannot run.
 */
export async function mergeDocumentStateOffThread(
  snapshot: Uint8Array | undefined,
  updates: readonly Uint8Array[],
): Promise<Uint8Array> {
  const parts = snapshot ? [snapshot, ...updates] : updates;
  const ends = new Uint32Array(parts.length);
  let size = 0;
  for (const [i, p] of parts.entries()) ends[i] = size += p.length;
  if (size <= DOCUMENT_MERGE_DEFAULTS.inlineMaxBytes) {
    documentMergeStats.inline++;
    return mergeDocumentState(snapshot, updates);
  }
  const inline = () => {
    documentMergeStats.inlineFallback++;
    return mergeDocumentState(snapshot, updates);
  };
  if (mergeThreads.broken) return inline();
  const bytes = new Uint8Array(size);
  for (const [i, p] of parts.entries()) bytes.set(p, i === 0 ? 0 : ends[i - 1]);
  try {
    const state = await mergeThreads.run({ bytes, ends, hasSnapshot: snapshot !== undefined }, [
      bytes.buffer,
      ends.buffer,
    ]);
    documentMergeStats.threaded++;
    return state;
  } catch (err) {
    // A corrupt update fails on the thread as it would inline: that is the caller's error.
    if (!mergeThreads.broken) throw err;
    return inline();
  }
}
