import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * CPU-heavy work off the event loop: threads that run one exported function of one module. The
 * module is imported in each thread (tsx is registered there: the packages are TypeScript sources),
 * each call's argument is sent by structured clone (pass `transfer` to move buffers instead of
 * copying them), and typed arrays of the result that own their whole buffer are transferred back.
 *
 * Threads start on the first call, run at the lowest priority (Linux nice is per thread, so the
 * event loop that answers users keeps the CPU first) and do not keep the process alive while idle.
 * A pool whose thread fails to start or dies is `broken`, and every call in flight then rejects:
 * callers run the same function inline instead (counting it, so a broken pool is visible).
 */
export interface ModuleThreadPoolOptions {
  /** What the threads do, for errors ("script parser"). */
  name: string;
  /** `import.meta.url` of the module whose export the threads run. */
  moduleUrl: string;
  /** The export: a function of one argument, synchronous or returning a promise. */
  exportName: string;
  /** Threads in the pool (each call goes to the least busy). */
  threads: number;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
try { require('node:os').setPriority(19); } catch {}
// Buffers of the result that nothing else can share: a typed array spanning its whole buffer.
const owned = (v) => ArrayBuffer.isView(v) && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && !(v.buffer instanceof SharedArrayBuffer);
const transferables = (r) => {
  if (owned(r)) return [r.buffer];
  if (r === null || typeof r !== 'object') return [];
  const out = new Set();
  for (const v of Object.values(r)) if (owned(v)) out.add(v.buffer);
  return [...out];
};
(async () => {
  const { register } = await import(workerData.tsx);
  register();
  const fn = (await import(workerData.module))[workerData.exportName];
  if (typeof fn !== 'function') throw new Error(workerData.exportName + ' is not a function of ' + workerData.module);
  parentPort.on('message', async ({ id, arg }) => {
    try {
      const result = await fn(arg);
      parentPort.postMessage({ id, result }, transferables(result));
    } catch (err) {
      parentPort.postMessage({ id, error: String((err && err.message) || err) });
    }
  });
  parentPort.postMessage({ ready: true });
})().catch((err) => parentPort.postMessage({ failed: String((err && err.message) || err) }));
`;

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>;
  ready: Promise<void>;
}

export class ModuleThreadPool<A, R> {
  private threads: Thread[] | null = null;
  private nextId = 0;
  /** True once a thread failed to start or died: callers should run inline from then on. */
  broken = false;

  constructor(private readonly options: ModuleThreadPoolOptions) {}

  /** Runs the export on a thread with `arg`; rejects when the call throws or the thread fails. */
  async run(arg: A, transfer: readonly ArrayBuffer[] = []): Promise<R> {
    if (this.broken) throw new Error(`${this.options.name} thread unavailable`);
    this.threads ??= Array.from({ length: Math.max(1, this.options.threads) }, () => this.startThread());
    const t = this.threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    const result = new Promise<R>((resolve, reject) =>
      t.pending.set(id, { resolve: resolve as (r: unknown) => void, reject }),
    );
    t.worker.ref(); // keep the process up while work is in flight
    try {
      await t.ready;
      t.worker.postMessage({ id, arg }, [...transfer]);
      return await result;
    } finally {
      if (t.pending.size === 0) t.worker.unref();
    }
  }

  private startThread(): Thread {
    const require = createRequire(import.meta.url);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Not the parent's flags (`--import tsx` twice would register the loader twice).
      execArgv: [],
      workerData: {
        // tsx's ESM register API (its CommonJS build cannot register the ESM hooks from here).
        tsx: pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href,
        module: this.options.moduleUrl,
        exportName: this.options.exportName,
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
    ready.catch(() => {});
    const failAll = (err: Error) => {
      markFailed(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      if (this.threads?.some((t) => t.worker === worker)) {
        this.broken = true;
        this.threads = null;
      }
    };
    worker.on(
      'message',
      (m: { ready?: true; failed?: string; id?: number; result?: unknown; error?: string }) => {
        if (m.ready) return markReady();
        if (m.failed) return failAll(new Error(`${this.options.name} thread failed to start: ${m.failed}`));
        const p = pending.get(m.id!);
        if (!p) return;
        pending.delete(m.id!);
        if (m.error === undefined) p.resolve(m.result);
        else p.reject(new Error(m.error));
      },
    );
    worker.on('error', failAll);
    worker.on('exit', () => failAll(new Error(`${this.options.name} thread exited`)));
    return { worker, pending, ready };
  }
}
