import { StartupError } from '@clapboard/server/config';
import type { Logger } from '@clapboard/server/logger';
import { InferenceSession } from 'onnxruntime-node';
import { buildOnnxModel } from './build-onnx-model';

export type DeviceRequest = 'auto' | 'cuda' | 'cpu';

/** The outcome of device selection: what sessions will be created on, and why not CUDA if not. */
export interface DeviceSelection {
  requested: DeviceRequest;
  provider: 'cuda' | 'cpu';
  /** Why CUDA is not used (null when it is, or when `cpu` was asked for). */
  reason: string | null;
}

/** `WORKER_DEVICE=cuda` but the CUDA execution provider cannot run here. */
export class CudaUnavailableError extends StartupError {
  override name = 'CudaUnavailableError';
}

/** Creates a session with the given options; the probe and the registry both use one. */
export type SessionFactory = (
  model: string | Uint8Array,
  options: InferenceSession.SessionOptions,
) => Promise<InferenceSession>;

export const createOrtSession: SessionFactory = (model, options) =>
  // Two calls because `create` is overloaded per argument type and TS will not pick on a union.
  typeof model === 'string'
    ? InferenceSession.create(model, options)
    : InferenceSession.create(model, options);

/** A one-node graph (y = x + 1) small enough to create on any provider in milliseconds. */
const PROBE_MODEL = buildOnnxModel({
  name: 'cuda-probe',
  inputs: [{ name: 'x', dtype: 'float32', shape: [1] }],
  outputs: [{ name: 'y', dtype: 'float32', shape: [1] }],
  nodes: [{ opType: 'Add', inputs: ['x', 'one'], outputs: ['y'] }],
  initializers: [{ name: 'one', dtype: 'float32', dims: [1], values: [1] }],
});

/** The advice attached to every CUDA failure, so an operator knows what to install. */
export const CUDA_HINT =
  'CUDA needs an NVIDIA driver, CUDA 12, cuDNN 9 and libonnxruntime_providers_cuda.so + libonnxruntime_providers_shared.so of onnxruntime 1.30 beside the onnxruntime-node binding (see apps/gpu-worker/README.md).';

/** First line of an ORT error: its native messages run on for lines. */
export function shortReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n')[0] ?? message).slice(0, 300);
}

/**
 * Picks the execution provider for the worker's sessions. onnxruntime-node throws instead of
 * falling back when CUDA cannot load, so this tries a tiny CUDA session first:
 * - `cpu`: CPU, CUDA not tried.
 * - `auto`: CUDA when the probe session runs, else CPU with the reason logged (warn) and returned.
 * - `cuda`: CUDA, or a CudaUnavailableError that names the cause and what to install.
 */
export async function selectDevice(
  requested: DeviceRequest,
  deps: { log: Logger; createSession?: SessionFactory },
): Promise<DeviceSelection> {
  if (requested === 'cpu') return { requested, provider: 'cpu', reason: null };
  const create = deps.createSession ?? createOrtSession;
  try {
    const session = await create(PROBE_MODEL, { executionProviders: ['cuda'], logSeverityLevel: 4 });
    await session.release();
    deps.log.info({ device: 'cuda' }, 'CUDA execution provider loaded');
    return { requested, provider: 'cuda', reason: null };
  } catch (err) {
    const reason = `CUDA execution provider did not load: ${shortReason(err)}`;
    if (requested === 'cuda')
      throw new CudaUnavailableError(
        `WORKER_DEVICE=cuda but ${reason}. ${CUDA_HINT} Or set WORKER_DEVICE=auto.`,
      );
    deps.log.warn({ device: 'cpu', reason }, 'falling back to the CPU execution provider');
    return { requested, provider: 'cpu', reason };
  }
}
