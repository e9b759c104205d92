import { StartupError } from './config';

/**
 * Makes an idempotent close function: the first call runs `fn`, later calls return the same promise.
 */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => {
    pending ??= fn();
    return pending;
  };
}

/**
 * Wires SIGTERM/SIGINT to `close`. A second signal while closing forces exit; `close` failing or
 * taking longer than `timeoutMs` exits non-zero so an orchestrator restarts us.
 */
export function closeOnSignals(
  close: () => Promise<void>,
  log: { info: (o: object, m: string) => void; error: (o: object, m: string) => void },
  timeoutMs = 10_000,
): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) {
      log.error({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    closing = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}

/**
 * Runs a service's start function. A StartupError (bad configuration, unreachable dependency, port
 * taken) is printed as one line naming the problem and the fix, then the process exits 1.
 */
export async function runMain(service: string, start: () => Promise<unknown>): Promise<void> {
  try {
    await start();
  } catch (err) {
    if (err instanceof StartupError) {
      process.stderr.write(`[${service}] ${err.message}\n`);
    } else {
      process.stderr.write(
        `[${service}] failed to start: ${err instanceof Error ? err.stack : String(err)}\n`,
      );
    }
    process.exit(1);
  }
}
