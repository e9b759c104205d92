import type { ChildProcess } from 'node:child_process';
import { spawnTied } from '@clapboard/server/spawn-tied';

/** One process the supervisor keeps running. */
export interface SupervisedService {
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Called with every new child (first start and each restart), e.g. to prefix its output. */
  onStart?: (child: ChildProcess) => void;
}

/** One defaults object for restart and shutdown timing (milliseconds). */
export const SUPERVISOR_DEFAULTS = {
  /** Wait before the first restart after a crash; doubled for each crash in a row. */
  restartInitialMs: 500,
  /** Longest wait between restarts. */
  restartMaxMs: 30_000,
  /** A service up this long counts as healthy again: its next crash restarts after the initial wait. */
  stableAfterMs: 30_000,
  /** How long a graceful stop waits for a service (jobs drained, documents flushed) before SIGKILL. */
  graceMs: 20_000,
} as const;

export interface Supervisor {
  /** The live child of a service (undefined while it waits to restart). */
  child(name: string): ChildProcess | undefined;
  /** Restarts so far, per service. */
  restarts(name: string): number;
  /**
   * Graceful stop: no more restarts, one SIGTERM to each service (each closes itself: drains jobs,
   * flushes documents), SIGKILL for any still running after `graceMs`. Idempotent.
   */
  stop(): Promise<void>;
  /** Forced stop (a second Ctrl-C): SIGKILL to every service now. */
  force(): void;
}

/**
 * Starts services and keeps them running: a service that exits on its own is restarted after a
 * backoff (0.5 s, 1 s, 2 s … 30 s, reset once it stayed up `stableAfterMs`), and `say` tells why,
 * while the others keep serving. Children get their own process group, so a terminal's Ctrl-C
 * reaches only the supervisor, which then stops each service once, and the parent-death signal
 * (`spawnTied`), so none outlives a supervisor that is killed outright.
 */
export function supervise(
  services: readonly SupervisedService[],
  say: (line: string) => void,
  options: Partial<Record<keyof typeof SUPERVISOR_DEFAULTS, number>> = {},
): Supervisor {
  const o = { ...SUPERVISOR_DEFAULTS, ...options };
  const state = new Map(
    services.map((s) => [
      s.name,
      {
        child: undefined as ChildProcess | undefined,
        restarts: 0,
        crashesInARow: 0,
        timer: undefined as NodeJS.Timeout | undefined,
      },
    ]),
  );
  let stopping: Promise<void> | undefined;

  const start = (s: SupervisedService) => {
    const st = state.get(s.name)!;
    const startedAt = Date.now();
    const child = spawnTied<ChildProcess>(s.command, s.args, {
      env: s.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    st.child = child;
    s.onStart?.(child);
    child.once('exit', (code, signal) => {
      st.child = undefined;
      if (stopping) return;
      st.crashesInARow = Date.now() - startedAt >= o.stableAfterMs ? 1 : st.crashesInARow + 1;
      const wait = Math.min(o.restartMaxMs, o.restartInitialMs * 2 ** (st.crashesInARow - 1));
      say(
        `${s.name} exited (${signal ?? `code ${code}`}); restarting it in ${(wait / 1000).toFixed(1)} s (the other services keep running)`,
      );
      st.timer = setTimeout(() => {
        st.timer = undefined;
        if (stopping) return;
        st.restarts++;
        start(s);
      }, wait);
    });
  };
  for (const s of services) start(s);

  const running = () => [...state.values()].flatMap((st) => (st.child ? [st.child] : []));
  return {
    child: (name) => state.get(name)?.child,
    restarts: (name) => state.get(name)?.restarts ?? 0,
    stop() {
      stopping ??= (async () => {
        for (const st of state.values()) clearTimeout(st.timer);
        await Promise.all(
          running().map(
            (c) =>
              new Promise<void>((done) => {
                if (c.exitCode !== null || c.signalCode !== null) return done();
                const kill = setTimeout(() => c.kill('SIGKILL'), o.graceMs);
                c.once('exit', () => {
                  clearTimeout(kill);
                  done();
                });
                c.kill('SIGTERM');
              }),
          ),
        );
      })();
      return stopping;
    },
    force() {
      const children = running();
      void this.stop();
      for (const c of children) c.kill('SIGKILL');
    },
  };
}
