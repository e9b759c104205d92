import type { ProgressReporter } from './progress-reporter';

/**
 * Progress while a step waits on one answer that arrives whole (an LLM provider's): the bar creeps
 * toward 90 % over the expected wait (`90 × (1 − e^(−t/expected))`, reported every second), so the
 * ETA follows the usual answer time; the step reports 100 % itself once it has a usable answer.
 *
 * @param expectedSec the usual wait, e.g. the catalog's cold work model for the step
 * @returns `stage(text)` to change what the bar says (it reports at once), and `stop()`
 */
export function startWaitProgress(
  report: ProgressReporter,
  expectedSec: number,
  stage: string,
): { stage(text: string): void; stop(): void } {
  const started = Date.now();
  let current = stage;
  const tick = () => {
    const t = (Date.now() - started) / 1000;
    report({ stage: current, progress: 90 * (1 - Math.exp(-t / expectedSec)) });
  };
  tick();
  const timer = setInterval(tick, 1_000);
  return {
    stage(text) {
      current = text;
      tick();
    },
    stop: () => clearInterval(timer),
  };
}
