import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUN_DIR = /^run-(\d+)$/;

/** Where scratch folders live unless a worker is given another base. */
export const DEFAULT_SCRATCH_BASE = join(tmpdir(), 'clapboard-steps');
/** Step folders written straight under the root by workers before per-process folders existed. */
const LEGACY_STEP_DIR = /^[0-9a-f-]{36}-/;
const LEGACY_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** Whether a process with this pid exists (EPERM: it exists but is not ours). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Gives this worker process its own scratch folder under `base` (`run-<pid>`), after removing the
 * folders of runs whose process is gone (killed mid-step, so their `finally` never ran). Folders of
 * live workers sharing the same base, this process's own included (several workers in one
 * process share it), are left alone. Returns the folder and what was swept.
 */
export function claimScratchRoot(base: string, pid = process.pid): { dir: string; swept: string[] } {
  mkdirSync(base, { recursive: true });
  const swept: string[] = [];
  for (const name of readdirSync(base)) {
    const path = join(base, name);
    const run = RUN_DIR.exec(name);
    const stale = run
      ? Number(run[1]) !== pid && !alive(Number(run[1]))
      : LEGACY_STEP_DIR.test(name) && Date.now() - statSync(path).mtimeMs > LEGACY_MAX_AGE_MS;
    if (!stale) continue;
    rmSync(path, { recursive: true, force: true });
    swept.push(name);
  }
  const dir = join(base, `run-${pid}`);
  mkdirSync(dir, { recursive: true });
  return { dir, swept };
}

/**
 * This process's folder under the default base, for temporary files made outside a step's scratch
 * folder (audio decoding, speech recognition and synthesis), so the start-up sweep also removes
 * what a killed run left of them.
 */
export function processTempDir(): string {
  const dir = join(DEFAULT_SCRATCH_BASE, `run-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
