import type { ModelRegistry } from '../models/model-registry';

/**
 * What `/healthz` adds to alive/uptime: the device asked for, the provider sessions run on and why
 * not CUDA, and each model with its active provider and warm state.
 */
export function healthReport(deps: { registry: ModelRegistry; workerId: string; queues: readonly string[] }) {
  const { device } = deps.registry;
  return {
    workerId: deps.workerId,
    queues: deps.queues,
    device: { requested: device.requested, activeProvider: device.provider, reason: device.reason },
    models: deps.registry.report().map((m) => ({
      name: m.name,
      task: m.task,
      provider: m.provider,
      warm: m.warm,
      fallbackReason: m.fallbackReason,
    })),
  };
}
