import type { ModelRegistry } from './model-registry';

const label = (v: string) => v.replace(/["\\\n]/g, '_');

/**
 * Prometheus text exposition of the registry: which provider each model is on, whether it is warm,
 * and its run count and total run time (so rate() gives throughput and mean latency).
 */
export function formatModelsMetrics(registry: ModelRegistry): string {
  const lines = [
    '# HELP clapboard_worker_device_info Execution provider sessions are created on (1 = active).',
    '# TYPE clapboard_worker_device_info gauge',
    `clapboard_worker_device_info{requested="${registry.device.requested}",provider="${registry.device.provider}"} 1`,
    '# HELP clapboard_model_warm Whether the model is loaded and warmed up.',
    '# TYPE clapboard_model_warm gauge',
    '# HELP clapboard_model_runs_total Model runs since start.',
    '# TYPE clapboard_model_runs_total counter',
    '# HELP clapboard_model_run_seconds_total Time spent in model runs.',
    '# TYPE clapboard_model_run_seconds_total counter',
  ];
  for (const m of registry.metrics()) {
    const l = `model="${label(m.name)}",provider="${m.provider}"`;
    lines.push(`clapboard_model_warm{${l}} ${m.warm ? 1 : 0}`);
    lines.push(`clapboard_model_runs_total{${l}} ${m.runs}`);
    lines.push(`clapboard_model_run_seconds_total{${l}} ${m.runSeconds.toFixed(6)}`);
  }
  return `${lines.join('\n')}\n`;
}
