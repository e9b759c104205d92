/**
 * `npm test`: every suite, against real Postgres and Redis.
 *
 * First makes sure the system packages the suites use are installed (infra/system-packages.txt:
 * apt-get as root on Debian/Ubuntu, otherwise it stops and prints the one command to run).
 *
 * Uses DATABASE_URL / REDIS_URL when set (CI sets them to the machine's services); otherwise starts
 * an embedded Postgres and a local redis-server under `.data/test-services` for the run. Then runs
 * each workspace's `test` script through turbo and prints one closing line "N passed, N failed".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StartupError } from '@clapboard/server/config';
import {
  ensureSystemPackages,
  startEmbeddedPostgres,
  startLocalRedis,
} from '@clapboard/server/local-services';
import { loadLauncherEnv, ROOT } from './launcher-env';

const REPORT = '.vitest-report.json';
const say = (line: string) => process.stdout.write(`[test] ${line}\n`);

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

/** Workspace folders that have a vitest report from this run. */
function reports(): string[] {
  const dirs = ['apps', 'packages'].flatMap((d) => readdirSync(join(ROOT, d)).map((n) => join(ROOT, d, n)));
  return [...dirs, join(ROOT, 'infra'), join(ROOT, 'tests')]
    .map((d) => join(d, REPORT))
    .filter((f) => existsSync(f));
}

async function main(): Promise<number> {
  const env = loadLauncherEnv();
  // What the suites run for real (infra/system-packages.txt): installed here as root on
  // Debian/Ubuntu; otherwise stop before any suite, with the one command that installs them.
  const system = ensureSystemPackages('test', { root: ROOT, path: env.PATH, log: say });
  if (system.command) {
    throw new StartupError(
      `The tests need system packages that are missing: ${system.missing.map((p) => `${p.name} (${p.why})`).join('; ')}. Install them with: ${system.command}`,
    );
  }
  const stops: Array<() => Promise<void>> = [];
  let databaseUrl = env.DATABASE_URL;
  let redisUrl = env.REDIS_URL;
  try {
    if (!databaseUrl) {
      say('DATABASE_URL not set: starting an embedded Postgres for the tests');
      const pg = await startEmbeddedPostgres(resolve(ROOT, '.data/test-services/postgres'), 'clapboard', say);
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    if (!redisUrl) {
      say('REDIS_URL not set: starting a local redis-server for the tests');
      const redis = await startLocalRedis(resolve(ROOT, '.data/test-services/redis'), {
        path: env.PATH,
        log: say,
      });
      stops.push(redis.stop);
      redisUrl = redis.url;
    }
    for (const f of reports()) rmSync(f);
    const args = [
      'run',
      'test',
      '--env-mode=loose',
      '--concurrency=1',
      '--continue',
      '--',
      `--reporter=default`,
      `--reporter=json`,
      `--outputFile.json=${REPORT}`,
    ];
    const filter = process.argv.slice(2);
    for (const f of filter) args.splice(2, 0, `--filter=${f}`);
    const result = spawnSync(resolve(ROOT, 'node_modules/.bin/turbo'), args, {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, CI: process.env.CI ?? '' },
    });
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const f of reports()) {
      const r = JSON.parse(readFileSync(f, 'utf8')) as VitestReport;
      passed += r.numPassedTests;
      failed += r.numFailedTests;
      skipped += r.numPendingTests + r.numTodoTests;
    }
    const code = result.status ?? 1;
    // turbo can fail before any test ran (e.g. a suite that does not load): count that as a failure.
    if (code !== 0 && failed === 0) failed = 1;
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
    return code;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `[test] ${err instanceof StartupError ? err.message : err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exit(1);
  },
);
