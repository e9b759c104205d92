import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { StartupError } from '../config';

/**
 * Makes sure `dir` exists and this user can write to it; otherwise a StartupError that names the
 * folder, the user and the fix (`variable` is the setting that chose the folder, e.g. DATA_DIR).
 */
export function ensureWritableFolder(dir: string, variable: string): void {
  const user = userInfo().username;
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new StartupError(
      `${variable}=${dir} cannot be used by user '${user}' (${code}): make it writable (sudo chown -R ${user} ${dir}) or set ${variable} to a folder you own.`,
    );
  }
}

/**
 * The first folder, from `/` down to `path` itself, that users other than its owner cannot enter
 * (no `o+x`), or null when every one can be entered. As root the embedded Postgres runs as user
 * 'postgres', which must pass through every folder above its binaries and its data.
 */
export function firstClosedFolder(path: string): string | null {
  const chain: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const folder of chain) {
    try {
      if ((statSync(folder).mode & 0o001) === 0) return folder;
    } catch {
      return folder;
    }
  }
  return null;
}

/**
 * For a server that runs as another user (`runAs`): throws a StartupError naming the folder it
 * cannot enter, that user, and the fixes, when any folder above `paths` is closed to others.
 * `what` says what is in the way (e.g. "the Postgres binaries").
 */
export function assertReachableByOthers(
  paths: readonly { path: string; what: string; variable?: string }[],
  runAs: string,
): void {
  for (const { path, what, variable } of paths) {
    const closed = firstClosedFolder(path);
    if (!closed) continue;
    const move = variable
      ? `set ${variable} to a folder outside ${closed}`
      : `clone Clapboard into a folder outside ${closed} (e.g. /opt/clapboard or /srv/clapboard)`;
    throw new StartupError(
      `The embedded Postgres runs as user '${runAs}' (Postgres refuses to run as root), and '${runAs}' cannot enter ${closed} to reach ${what} (${path}). Fix one of: chmod o+x ${closed}; ${move}; or set DATABASE_URL to an existing Postgres.`,
    );
  }
}
