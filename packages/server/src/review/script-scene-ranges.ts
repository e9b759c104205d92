import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { extractScenes, parseFountain } from '@clapboard/screenplay';

/** A scene of the script: its heading as a matching key and where its text starts and ends. */
export interface ScriptSceneRange {
  /** `sceneHeadingKey` of the heading. */
  key: string;
  start: number;
  end: number;
}

/** A heading as scenes are matched by: upper case, runs of white space as one space, trimmed. */
export const sceneHeadingKey = (heading: string) => heading.toUpperCase().replace(/\s+/g, ' ').trim();

/** One defaults object for script parsing off the event loop. */
export const SCRIPT_PARSE_DEFAULTS = {
  /** Scripts up to this many characters are parsed inline (well under a millisecond per KiB). */
  inlineMaxChars: 64 * 1024,
  /** Parsed scripts kept, by content hash (a 5 MB script's result is about 2 MB). */
  cacheEntries: 16,
  /** Parser threads; they start on the first large script and do not keep the process alive. */
  threads: Math.max(1, Math.min(2, availableParallelism() - 1)),
} as const;

interface Packed {
  headings: string;
  ranges: Uint32Array;
}

function parseInline(script: string): Packed {
  const scenes = extractScenes(parseFountain(script));
  const ranges = new Uint32Array(scenes.length * 2);
  scenes.forEach((s, i) => {
    ranges[2 * i] = s.range.start;
    ranges[2 * i + 1] = s.range.end;
  });
  // Keys are single lines, so one joined string crosses the thread boundary cheaply; they are made
  // here so the event loop does not normalise tens of thousands of headings.
  return { headings: scenes.map((s) => sceneHeadingKey(s.heading)).join('\n'), ranges };
}

function unpack({ headings, ranges }: Packed): ScriptSceneRange[] {
  const names = ranges.length ? headings.split('\n') : [];
  return names.map((key, i) => ({ key, start: ranges[2 * i]!, end: ranges[2 * i + 1]! }));
}

/**
 * The thread's code: registers tsx (the packages are TypeScript sources), loads the parser and
 * answers `{ id, script }` with the packed scenes, the range buffer transferred, not copied.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// Linux nice is per thread: parsing yields the CPU to the event loop that answers requests.
try { require('node:os').setPriority(19); } catch {}
(async () => {
  const { register } = await import(workerData.tsx);
  register();
  const { parseScriptPacked } = await import(workerData.self);
  parentPort.on('message', ({ id, script }) => {
    try {
      const packed = parseScriptPacked(script);
      parentPort.postMessage({ id, packed }, [packed.ranges.buffer]);
    } catch (err) {
      parentPort.postMessage({ id, error: String(err && err.message || err) });
    }
  });
  parentPort.postMessage({ ready: true });
})().catch((err) => parentPort.postMessage({ failed: String(err && err.message || err) }));
`;

/** Exported for the parser thread only. */
export const parseScriptPacked = parseInline;

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (p: Packed) => void; reject: (e: Error) => void }>;
  ready: Promise<void>;
}

let threads: Thread[] | null = null;
let threadsBroken = false;
let nextId = 0;

function startThread(): Thread {
  const require = createRequire(import.meta.url);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // Not the parent's flags (`--import tsx` twice would register the loader twice).
    execArgv: [],
    workerData: {
      // tsx's ESM register API (its CommonJS build cannot register the ESM hooks from here).
      tsx: pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href,
      self: pathToFileURL(fileURLToPath(import.meta.url)).href,
    },
  });
  worker.unref();
  const pending: Thread['pending'] = new Map();
  let markReady: () => void = () => {};
  let markFailed: (e: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  const failAll = (err: Error) => {
    markFailed(err);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    threadsBroken = true;
    threads = null;
  };
  worker.on(
    'message',
    (m: { ready?: true; failed?: string; id?: number; packed?: Packed; error?: string }) => {
      if (m.ready) return markReady();
      if (m.failed) return failAll(new Error(`script parser thread failed to start: ${m.failed}`));
      const p = pending.get(m.id!);
      if (!p) return;
      pending.delete(m.id!);
      if (m.packed) p.resolve(m.packed);
      else p.reject(new Error(m.error ?? 'script parse failed'));
    },
  );
  worker.on('error', failAll);
  worker.on('exit', () => failAll(new Error('script parser thread exited')));
  ready.catch(() => {});
  return { worker, pending, ready };
}

async function parseInThread(script: string): Promise<Packed> {
  threads ??= Array.from({ length: SCRIPT_PARSE_DEFAULTS.threads }, startThread);
  // The least busy thread.
  const t = threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  const id = nextId++;
  const result = new Promise<Packed>((resolve, reject) => t.pending.set(id, { resolve, reject }));
  t.worker.ref(); // keep the process up while work is in flight
  try {
    await t.ready;
    t.worker.postMessage({ id, script });
    return await result;
  } finally {
    if (t.pending.size === 0) t.worker.unref();
  }
}

const cache = new Map<string, Promise<ScriptSceneRange[]>>();

/** Large scripts parsed on a thread, and inline because no thread could run (for /healthz and tests). */
export const scriptParseStats = { threaded: 0, inlineFallback: 0 };

/**
 * The scenes of a Fountain script, without blocking the event loop on a large one: parsing a 5 MB
 * script takes about a second of CPU, so scripts over `inlineMaxChars` are parsed on a parser
 * thread, and results are cached by content hash (review requests of an unchanged script, and
 * concurrent requests for the same one, share one parse). Where a thread cannot start, it parses
 * inline (still cached).
 */
export function scriptSceneRanges(script: string): Promise<ScriptSceneRange[]> {
  if (script.length <= SCRIPT_PARSE_DEFAULTS.inlineMaxChars)
    return Promise.resolve(unpack(parseInline(script)));
  const key = createHash('sha256').update(script).digest('base64');
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // most recently used goes last
    cache.set(key, hit);
    return hit;
  }
  const inline = () => {
    scriptParseStats.inlineFallback++;
    return parseInline(script);
  };
  const parsed = (
    threadsBroken
      ? Promise.resolve(inline())
      : parseInThread(script).then((p) => {
          scriptParseStats.threaded++;
          return p;
        }, inline)
  ).then(unpack);
  cache.set(key, parsed);
  if (cache.size > SCRIPT_PARSE_DEFAULTS.cacheEntries) cache.delete(cache.keys().next().value!);
  return parsed;
}
