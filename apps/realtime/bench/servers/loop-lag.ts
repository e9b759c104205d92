/**
 * Preloaded into every server process of `bench:collab` (ours and the peers alike, `--import`): the
 * server's own event-loop delay over the measured window, so a row's latency can be split into the
 * server's queueing and the rest. The first SIGUSR2 starts the window; the second ends it and writes
 * `{ p50, p99, max }` (ms, beyond the 10 ms sampling timer; null when the loop never ran its timers in
 * the window) as JSON to BENCH_LOOP_LAG_FILE.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;
const file = process.env.BENCH_LOOP_LAG_FILE;
if (file) {
  const lag = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  let measuring = false;
  const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  process.on('SIGUSR2', () => {
    if (!measuring) {
      lag.reset();
      lag.enable();
      measuring = true;
      return;
    }
    lag.disable();
    measuring = false;
    // No sample at all: the loop never came back to its timers during the window (a server stuck in
    // its backlog), which is reported as such rather than as a delay of 0.
    writeFileSync(
      file,
      JSON.stringify(
        lag.count === 0
          ? { p50: null, p99: null, max: null }
          : { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) },
      ),
    );
  });
}
