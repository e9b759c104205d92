import { Session } from 'node:inspector/promises';

/** The parts of a V8 CPU profile (`Profiler.stop`) this module reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * Samples this process's main thread with the V8 profiler (via node:inspector, the same data as
 * `node --cpu-prof`) while `work` runs. Returns `work`'s result and the profile.
 */
export async function profileWhile<T>(
  work: () => Promise<T>,
  intervalUs = 250,
): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

/** An area of the code, named by a test on a stack frame's script URL and function name. */
export interface Area {
  name: string;
  match: (url: string, functionName: string) => boolean;
}

export interface AreaShare {
  name: string;
  /** Sampled main-thread time in the area (ms). */
  ms: number;
  /** Share of the busy (non-idle) time, 0..100. */
  percent: number;
}

/**
 * Self time by area. Each sample goes to the innermost frame on its stack that some area claims,
 * so Node internals (WebCrypto jobs, socket writes, microtasks) count for the library that called
 * them; a stack no area claims goes to `fallback`. V8's own pseudo frames are kept apart: GC as
 * its own area, idle excluded from the busy time and returned separately. Samples met on the way
 * up by a frame `exclude` accepts (the harness itself, e.g. the profiler's own stop) are dropped.
 */
export function timeByArea(
  profile: CpuProfile,
  areas: Area[],
  fallback: string,
  exclude: (url: string) => boolean = () => false,
): { areas: AreaShare[]; busyMs: number; idleMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const areaOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = areaOf.get(id);
    if (known) return known;
    const { url, functionName } = byId.get(id)!.callFrame;
    let name: string;
    if (functionName === '(garbage collector)') name = 'garbage collection';
    else if (functionName === '(program)') name = 'V8 and native code outside JS (unattributed)';
    else if (functionName === '(idle)') name = '(idle)';
    else if (exclude(url)) name = '(excluded)';
    else {
      const hit = areas.find((a) => a.match(url, functionName));
      const up = parent.get(id);
      name = hit ? hit.name : up === undefined ? fallback : resolve(up);
    }
    areaOf.set(id, name);
    return name;
  };
  const us = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const name = resolve(id);
    us.set(name, (us.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const idleUs = us.get('(idle)') ?? 0;
  us.delete('(idle)');
  us.delete('(excluded)');
  const busyUs = [...us.values()].reduce((a, b) => a + b, 0);
  return {
    areas: [...us]
      .map(([name, t]) => ({ name, ms: t / 1000, percent: busyUs ? (t / busyUs) * 100 : 0 }))
      .sort((a, b) => b.ms - a.ms),
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
  };
}

/** Where a frame's code lives, most specific first; see timeByArea for how samples are assigned. */
export const has =
  (...parts: string[]) =>
  (url: string) =>
    parts.some((p) => url.includes(p));
/** The areas of an API request, most specific first (bench:api and bench:jobs). */
export const API_AREAS: Area[] = [
  {
    name: 'JWT verify (jose, WebCrypto HMAC, key derivation)',
    match: has('/node_modules/jose/', '/src/auth/access-token.ts', '/server/src/tickets.ts'),
  },
  { name: 'auth middleware (bearer parsing)', match: has('/src/auth/require-user.ts') },
  {
    name: 'access log and request context (pino)',
    match: has(
      '/node_modules/pino/',
      '/node_modules/@pinojs/',
      '/node_modules/sonic-boom/',
      'request-context.ts',
    ),
  },
  { name: 'Postgres client (postgres.js: query, protocol, rows)', match: has('/node_modules/postgres/') },
  { name: 'zod (query validation, settings defaults)', match: has('/node_modules/zod/', '/@hono/zod-') },
  {
    name: 'JSON serialisation (c.json)',
    match: (url, fn) => fn === 'json' && url.includes('/node_modules/hono/dist/context.js'),
  },
  { name: 'Hono routing, compose, context', match: has('/node_modules/hono/') },
  {
    name: 'Redis client and BullMQ (flow add, worker reports)',
    match: has(
      '/node_modules/ioredis/',
      '/node_modules/bullmq/',
      '/node_modules/msgpackr/',
      '/node_modules/@ioredis/',
    ),
  },
  { name: 'route handler and app code', match: has('/apps/api/src/', '/packages/') },
  { name: 'HTTP adapter (@hono/node-server, Request/Response)', match: has('/@hono/node-server/') },
];
export const NODE_CORE = 'Node core (http parser, sockets, event loop)';
