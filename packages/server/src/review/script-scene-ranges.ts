import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { extractScenes, parseFountain } from '@clapboard/screenplay';
import { ModuleThreadPool } from '../threads';

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

/** Exported for the parser thread only. */
export const parseScriptPacked = parseInline;

const parserThreads = new ModuleThreadPool<string, Packed>({
  name: 'script parser',
  moduleUrl: import.meta.url,
  exportName: 'parseScriptPacked',
  threads: SCRIPT_PARSE_DEFAULTS.threads,
});

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
    parserThreads.broken
      ? Promise.resolve(inline())
      : parserThreads.run(script).then((p) => {
          scriptParseStats.threaded++;
          return p;
        }, inline)
  ).then(unpack);
  cache.set(key, parsed);
  if (cache.size > SCRIPT_PARSE_DEFAULTS.cacheEntries) cache.delete(cache.keys().next().value!);
  return parsed;
}
