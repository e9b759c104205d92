import {
  type ChildProcess,
  type ChildProcessWithoutNullStreams,
  type SpawnOptions,
  spawn,
  spawnSync,
} from 'node:child_process';

/** util-linux `setpriv`, which can set the parent-death signal before it execs the program. */
const SETPRIV = 'setpriv';

let setprivWorks: boolean | undefined;

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
 * within milliseconds of its worker. Where `setpriv` is missing (not Linux), it is a plain spawn.
 */
export function spawnTied<T extends ChildProcess = ChildProcessWithoutNullStreams>(
  bin: string,
  args: readonly string[],
  options: SpawnOptions,
): T {
  const child = canTieToParent()
    ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', bin, ...args], options)
    : spawn(bin, args, options);
  // The stdio the caller asked for decides which streams exist, as with spawn's own overloads.
  return child as T;
}
