import type { Logger } from '@clapboard/server/logger';
import type { ModelProvider, ModelReportEntry, ModelStatus, ModelTask } from '@clapboard/shared/models';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { createLimiter, type Limiter } from './create-limiter';
import { createOrtSession, type DeviceSelection, type SessionFactory, shortReason } from './select-device';

export type Feeds = Record<string, Tensor>;
export type Outputs = Record<string, Tensor>;

/** What the registry needs to know to load, warm and report one ONNX model. */
export interface OnnxModelSpec {
  name: string;
  task: ModelTask;
  version: string;
  license: string;
  source: string;
  origin: 'bundled' | 'user';
  /** A path or the model bytes; called once, on first use. */
  load: () => Promise<string | Uint8Array>;
  /** Feeds for one warm-up run right after loading (first runs pay for allocation). */
  warmup?: () => Feeds;
  /** Extra session options (threads, graph optimisation); providers are the registry's choice. */
  sessionOptions?: InferenceSession.SessionOptions;
}

/** A model that does not run in ONNX Runtime (TF.js WASM, a Debian program) but is reported too. */
export interface ExternalModelSpec {
  name: string;
  task: ModelTask;
  version: string;
  license: string;
  source: string;
  provider: ModelProvider;
  isWarm: () => boolean;
  runs?: () => number;
  /**
   * Whether it works here, from a real run (a smoke run at start-up); without it the model is
   * `ready` once warm, else `unchecked`.
   */
  status?: () => { status: ModelStatus; reason: string | null };
}

export interface LoadedModel {
  session: InferenceSession;
  provider: 'cuda' | 'cpu';
  fallbackReason: string | null;
}

interface Entry {
  spec: OnnxModelSpec;
  loading?: Promise<LoadedModel>;
  loaded?: LoadedModel;
  /** Why the last load failed; cleared by a load that succeeds. */
  loadError?: string;
  runs: number;
  runSeconds: number;
}

/** Per-model counters for `/metrics`. */
export interface ModelMetrics {
  name: string;
  provider: ModelProvider;
  warm: boolean;
  runs: number;
  runSeconds: number;
}

export interface ModelRegistry {
  readonly device: DeviceSelection;
  register(spec: OnnxModelSpec): void;
  registerExternal(spec: ExternalModelSpec): void;
  has(name: string): boolean;
  /** The loaded, warmed session; created on first call, shared by concurrent callers. */
  load(name: string): Promise<LoadedModel>;
  /** Runs a model through its device's concurrency limit. Throws for an unknown name. */
  run(name: string, feeds: Feeds): Promise<Outputs>;
  report(): ModelReportEntry[];
  metrics(): ModelMetrics[];
  /** Releases every session; idempotent. */
  close(): Promise<void>;
}

export interface ModelRegistryOptions {
  device: DeviceSelection;
  log: Logger;
  /** Model runs at once on each device; defaults cpu 1 (a run uses every core), cuda 2. */
  concurrency?: { cpu?: number; cuda?: number };
  /** ORT intra-op threads per CPU session; default 0 = ORT's choice (one per physical core). */
  cpuThreads?: number;
  createSession?: SessionFactory;
}

/**
 * One ONNX Runtime session per model, created lazily on the selected device, warmed up once and
 * reused. When the worker is on CUDA and one model's session fails there (an op without a CUDA
 * kernel, out of GPU memory), that model falls back to CPU with the reason logged and reported —
 * unless CUDA was forced (`WORKER_DEVICE=cuda`), in which case loading fails.
 */
export function createModelRegistry(options: ModelRegistryOptions): ModelRegistry {
  const { device, log } = options;
  const create = options.createSession ?? createOrtSession;
  const entries = new Map<string, Entry>();
  const externals = new Map<string, ExternalModelSpec>();
  const limiters: Record<'cuda' | 'cpu', Limiter> = {
    cpu: createLimiter(options.concurrency?.cpu ?? 1),
    cuda: createLimiter(options.concurrency?.cuda ?? 2),
  };
  let closed = false;

  const baseOptions = (spec: OnnxModelSpec): InferenceSession.SessionOptions => ({
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    ...(options.cpuThreads ? { intraOpNumThreads: options.cpuThreads } : {}),
    ...spec.sessionOptions,
  });

  async function open(entry: Entry): Promise<LoadedModel> {
    const { spec } = entry;
    const source = await spec.load();
    const started = performance.now();
    let loaded: LoadedModel;
    if (device.provider === 'cuda') {
      try {
        // CPU second: nodes without a CUDA kernel run on CPU inside the same session.
        const session = await create(source, { ...baseOptions(spec), executionProviders: ['cuda', 'cpu'] });
        loaded = { session, provider: 'cuda', fallbackReason: null };
      } catch (err) {
        const reason = `CUDA session failed: ${shortReason(err)}`;
        if (device.requested === 'cuda') throw new Error(`Model "${spec.name}": ${reason}`);
        log.warn({ model: spec.name, reason }, 'model falls back to CPU');
        const session = await create(source, { ...baseOptions(spec), executionProviders: ['cpu'] });
        loaded = { session, provider: 'cpu', fallbackReason: reason };
      }
    } else {
      const session = await create(source, { ...baseOptions(spec), executionProviders: ['cpu'] });
      loaded = { session, provider: 'cpu', fallbackReason: device.reason };
    }
    if (spec.warmup) await loaded.session.run(spec.warmup());
    log.info(
      { model: spec.name, provider: loaded.provider, ms: Math.round(performance.now() - started) },
      'model loaded',
    );
    return loaded;
  }

  function entryOf(name: string): Entry {
    const entry = entries.get(name);
    if (!entry) throw new Error(`No model named "${name}" is registered.`);
    return entry;
  }

  return {
    device,
    register(spec) {
      if (entries.has(spec.name) || externals.has(spec.name))
        throw new Error(`A model named "${spec.name}" is already registered.`);
      entries.set(spec.name, { spec, runs: 0, runSeconds: 0 });
    },
    registerExternal(spec) {
      if (entries.has(spec.name) || externals.has(spec.name))
        throw new Error(`A model named "${spec.name}" is already registered.`);
      externals.set(spec.name, spec);
    },
    has: (name) => entries.has(name) || externals.has(name),
    load(name) {
      if (closed) return Promise.reject(new Error('The model registry is closed.'));
      const entry = entryOf(name);
      if (!entry.loading) {
        entry.loading = open(entry).then(
          (loaded) => {
            entry.loaded = loaded;
            entry.loadError = undefined;
            return loaded;
          },
          (err) => {
            entry.loading = undefined; // a later call may retry (e.g. after freeing GPU memory)
            entry.loadError = `${entry.spec.name} failed to load: ${shortReason(err)}`;
            throw err;
          },
        );
      }
      return entry.loading;
    },
    async run(name, feeds) {
      const entry = entryOf(name);
      const loaded = entry.loaded ?? (await this.load(name));
      return limiters[loaded.provider].run(async () => {
        const started = performance.now();
        const out = (await loaded.session.run(feeds)) as Outputs;
        entry.runs++;
        entry.runSeconds += (performance.now() - started) / 1000;
        return out;
      });
    },
    report() {
      const onnx: ModelReportEntry[] = [...entries.values()].map(({ spec, loaded, runs, loadError }) => ({
        name: spec.name,
        task: spec.task,
        version: spec.version,
        license: spec.license,
        source: spec.source,
        origin: spec.origin,
        provider: loaded?.provider ?? device.provider,
        fallbackReason: loaded ? loaded.fallbackReason : device.reason,
        warm: Boolean(loaded),
        runs,
        // Loading includes the warm-up run: a loaded model has run here.
        status: loaded ? 'ready' : loadError ? 'unavailable' : 'unchecked',
        reason: loaded ? null : (loadError ?? null),
      }));
      const external: ModelReportEntry[] = [...externals.values()].map((spec) => ({
        name: spec.name,
        task: spec.task,
        version: spec.version,
        license: spec.license,
        source: spec.source,
        origin: 'bundled',
        provider: spec.provider,
        fallbackReason: null,
        warm: spec.isWarm(),
        runs: spec.runs?.() ?? 0,
        ...(spec.status?.() ?? { status: spec.isWarm() ? 'ready' : 'unchecked', reason: null }),
      }));
      return [...onnx, ...external].sort((a, b) => a.name.localeCompare(b.name));
    },
    metrics() {
      return [
        ...[...entries.values()].map((e) => ({
          name: e.spec.name,
          provider: (e.loaded?.provider ?? device.provider) as ModelProvider,
          warm: Boolean(e.loaded),
          runs: e.runs,
          runSeconds: e.runSeconds,
        })),
        ...[...externals.values()].map((s) => ({
          name: s.name,
          provider: s.provider,
          warm: s.isWarm(),
          runs: s.runs?.() ?? 0,
          runSeconds: 0,
        })),
      ];
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(
        [...entries.values()].map(async (e) => {
          const loaded = await e.loading?.catch(() => undefined);
          await loaded?.session.release();
        }),
      );
    },
  };
}
