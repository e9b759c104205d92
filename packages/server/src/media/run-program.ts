import { spawnTied } from '@clapboard/server/spawn-tied';

/** A native program (festival, flite, pocketsphinx) failed or could not start. */
export class ProgramError extends Error {
  override name = 'ProgramError';
  constructor(
    message: string,
    readonly stderr: string,
    /** The spawn error's code (`ENOENT`: no such program, `EACCES`: not executable), when it never ran. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * Runs a program with an argument array (no shell) and returns its stdout.
 *
 * @param options.timeoutMs kill after this long; default 120 s
 * @param options.installHint appended to the error when the binary is missing (e.g. the apt package)
 * @throws ProgramError on a non-zero exit, a timeout, an abort or a missing binary
 */
export function runProgram(
  bin: string,
  args: readonly string[],
  options: { stdin?: string; timeoutMs?: number; signal?: AbortSignal; installHint?: string } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnTied(bin, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
      signal: options.signal,
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err = (err + d).slice(-8192);
    });
    child.once('error', (e) =>
      reject(
        new ProgramError(
          `Could not run ${bin} (${e.message}).${options.installHint ? ` ${options.installHint}` : ''}`,
          err,
          (e as NodeJS.ErrnoException).code,
        ),
      ),
    );
    child.once('close', (code, signal) => {
      if (code === 0) return resolve(out);
      const last = err.trim().split('\n').at(-1) ?? '';
      reject(new ProgramError(`${bin} failed (${signal ?? `exit ${code}`}): ${last.slice(0, 300)}`, err));
    });
    child.stdin.on('error', () => {}); // a program that exits early closes its stdin; the exit code says why
    child.stdin.end(options.stdin ?? '');
  });
}
