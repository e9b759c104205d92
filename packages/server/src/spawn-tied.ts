import {
  type ChildProcess,
  type ChildProcessWithoutNullStreams,
  type SpawnOptions,
  spawn,
  spawnSync,
} from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** util-linux `setpriv`, which can set the parent-death signal before it execs the program. */
const SETPRIV = 'setpriv';

let setprivWorks: boolean | undefined;

/** Whether `bin` names an executable file, directly or on `PATH` (as execvp would find it). */
function findsExecutable(bin: string, path: string | undefined): boolean {
  const executable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (bin.includes('/')) return executable(bin);
  return (path ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, bin)));
}

/** Whether `setpriv --pdeathsig` is available here (checked once). */
export function canTieToParent(): boolean {
  if (setprivWorks === undefined) {
    const probe = spawnSync(SETPRIV, ['--pdeathsig', 'KILL', 'true'], { stdio: 'ignore' });
    setprivWorks = probe.status === 0;
  }
  return setprivWorks;
}

/**
 * `spawn`, but the child is killed by the kernel when this process dies, however it dies (SIGKILL,
 * OOM killer, a crash), through Linux's parent-death signal. Node cannot call `prctl` itself, so the
 * program is started through `setpriv --pdeathsig KILL`, which sets it and then execs the program
 * in the same process: same pid, same process group (so `kill(-pid)` still reaches what it spawns),
 * and FFmpeg, which ignores SIGPIPE and would otherwise run to the end with nobody reading, dies
 * within milliseconds of its worker. Where `setpriv` is missing (not Linux), or the program itself
 * is missing, it is a plain spawn: a missing program then fails with spawn's own ENOENT `error`
 * event, not with setpriv's exit code 127, so callers' "not installed" messages keep working.
 */
export function spawnTied<T extends ChildProcess = ChildProcessWithoutNullStreams>(
  bin: string,
  args: readonly string[],
  options: SpawnOptions,
): T {
  const child =
    canTieToParent() && findsExecutable(bin, (options.env ?? process.env).PATH)
      ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', bin, ...args], options)
      : spawn(bin, args, options);
  // The stdio the caller asked for decides which streams exist, as with spawn's own overloads.
  return child as T;
}
