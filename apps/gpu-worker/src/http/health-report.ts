import type { ModelRegistry } from '../models/model-registry';

/**
 * What `/healthz` adds to alive/uptime: the device asked for, the provider sessions run on and why
 * not CUDA, and each model with its active provider, warm state and whether it works here
 * (`status` `ready` only after a real run passed; `unavailable` with the `reason` and fix).
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
      status: m.status,
      reason: m.reason,
      fallbackReason: m.fallbackReason,
    })),
  };
}
