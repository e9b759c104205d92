import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@clapboard/server/logger';
import { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildOnnxModel } from './build-onnx-model';
import { createModelRegistry } from './model-registry';
import { CudaUnavailableError, selectDevice } from './select-device';

// The CUDA provider can only load when its libraries sit beside the Node binding (see README);
// this machine has neither them nor a GPU, which is what these tests check the behaviour of.
const binding = dirname(createRequire(import.meta.url).resolve('onnxruntime-node'));
const cudaLibs = ['../bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so'].map((p) => join(binding, p));
const hasCuda = cudaLibs.every(existsSync);

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger('device-test', { level: 'info', destination }), lines };
}

const addOne = buildOnnxModel({
  inputs: [{ name: 'x', dtype: 'float32', shape: ['n'] }],
  outputs: [{ name: 'y', dtype: 'float32', shape: ['n'] }],
  nodes: [{ opType: 'Add', inputs: ['x', 'one'], outputs: ['y'] }],
  initializers: [{ name: 'one', dtype: 'float32', dims: [1], values: [1] }],
});

describe('device selection (real onnxruntime-node)', () => {
  it('cpu forced: never tries CUDA, sessions run on CPU', async () => {
    const { log, lines } = capturingLogger();
    const device = await selectDevice('cpu', { log });
    expect(device).toEqual({ requested: 'cpu', provider: 'cpu', reason: null });
    expect(lines.some((l) => String(l.msg).includes('CUDA'))).toBe(false);
    const registry = createModelRegistry({ device, log });
    registry.register({
      name: 'add-one',
      task: 'chat',
      version: '1',
      license: 'MIT',
      source: 'test',
      origin: 'user',
      load: async () => addOne,
    });
    const out = await registry.run('add-one', { x: new Tensor('float32', Float32Array.from([1, 2]), [2]) });
    expect([...(out.y!.data as Float32Array)]).toEqual([2, 3]);
    expect(registry.report()[0]).toMatchObject({
      provider: 'cpu',
      warm: true,
      runs: 1,
      fallbackReason: null,
    });
    await registry.close();
  });

  it('auto without a GPU falls back to CPU, logs and reports why (CUDA where its libraries load)', async () => {
    const { log, lines } = capturingLogger();
    const device = await selectDevice('auto', { log });
    if (hasCuda) {
      expect(device).toEqual({ requested: 'auto', provider: 'cuda', reason: null });
      return;
    }
    expect(device.provider).toBe('cpu');
    expect(device.reason).toMatch(/CUDA execution provider did not load: .*(shared library|libonnxruntime)/i);
    const warn = lines.find((l) => l.level === 40);
    expect(warn).toMatchObject({ reason: device.reason, device: 'cpu' });
    const registry = createModelRegistry({ device, log });
    registry.register({
      name: 'add-one',
      task: 'chat',
      version: '1',
      license: 'MIT',
      source: 'test',
      origin: 'user',
      load: async () => addOne,
    });
    expect(registry.report()[0]).toMatchObject({
      provider: 'cpu',
      warm: false,
      fallbackReason: device.reason,
    });
    await registry.load('add-one');
    expect(registry.report()[0]).toMatchObject({
      provider: 'cpu',
      warm: true,
      fallbackReason: device.reason,
    });
    await registry.close();
  });

  it('cuda forced without a GPU fails with an error that says what to install', async () => {
    const { log } = capturingLogger();
    const err = await selectDevice('cuda', { log }).catch((e: unknown) => e);
    if (hasCuda) {
      expect(err).toMatchObject({ provider: 'cuda' });
      return;
    }
    expect(err).toBeInstanceOf(CudaUnavailableError);
    expect((err as Error).message).toMatch(/WORKER_DEVICE=cuda but CUDA execution provider did not load/);
    expect((err as Error).message).toMatch(/cuDNN 9.*libonnxruntime_providers_cuda\.so/);
  });
});

describe('model registry', () => {
  it('creates one session per model, shared by concurrent callers, and caps runs per device', async () => {
    const { log } = capturingLogger();
    let loads = 0;
    const registry = createModelRegistry({
      device: { requested: 'cpu', provider: 'cpu', reason: null },
      log,
      concurrency: { cpu: 1 },
    });
    registry.register({
      name: 'add-one',
      task: 'chat',
      version: '1',
      license: 'MIT',
      source: 'test',
      origin: 'user',
      load: async () => {
        loads++;
        return addOne;
      },
      warmup: () => ({ x: new Tensor('float32', new Float32Array(1), [1]) }),
    });
    expect(() => registry.register({ ...registry.report()[0]!, load: async () => addOne } as never)).toThrow(
      /already registered/,
    );
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        registry.run('add-one', { x: new Tensor('float32', Float32Array.from([i]), [1]) }),
      ),
    );
    expect(loads).toBe(1);
    expect(results.map((r) => (r.y!.data as Float32Array)[0])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(registry.metrics()[0]).toMatchObject({ runs: 6, warm: true, provider: 'cpu' });
    await expect(registry.run('nope', {})).rejects.toThrow(/No model named "nope"/);
    await registry.close();
    await expect(registry.load('add-one')).rejects.toThrow(/closed/);
  });
});
