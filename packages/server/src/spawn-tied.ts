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

const found = new Map<string, boolean>();
/**
 * Whether `bin` is a program the shell finds (a path, or a name on the inherited PATH), asked once
 * per program: `command -v` in `sh` looks it up exactly as the exec would.
 */
function findsExecutable(bin: string, env: SpawnOptions['env']): boolean {
  // The child's own environment when the caller gives one (its PATH decides), else the inherited one.
  const cached = env ? undefined : found.get(bin);
  if (cached !== undefined) return cached;
  const yes =
    spawnSync('sh', ['-c', 'command -v "$0" >/dev/null', bin], { stdio: 'ignore', env }).status === 0;
  // A missing program is asked again next time: it may be installed meanwhile.
  if (yes && !env) found.set(bin, yes);
  return yes;
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
    canTieToParent() && findsExecutable(bin, options.env)
      ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', bin, ...args], options)
      : spawn(bin, args, options);
  // The stdio the caller asked for decides which streams exist, as with spawn's own overloads.
  return child as T;
}
