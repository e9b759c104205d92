import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/**
 * The realtime relays edits; it must not load the job queue (bullmq, ~170 modules, ~7 MB of heap
 * the realtime's garbage collector would walk on every edit burst). It reads job rows only
 * (`@clapboard/server/jobs/job-row`), never the job service's barrel.
 */
it('the realtime server does not load bullmq', () => {
  const appDir = fileURLToPath(new URL('..', import.meta.url));
  const script = `
    await import('./src/server.ts');
    const { createRequire } = await import('node:module');
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    process.stdout.write(JSON.stringify({
      bullmq: loaded.filter((k) => k.includes('/bullmq/')).length,
      ws: loaded.filter((k) => k.includes('/ws/')).length,
    }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: appDir,
    encoding: 'utf8',
  });
  const loaded = JSON.parse(out) as { bullmq: number; ws: number };
  // The probe sees CommonJS modules (ws is one): it would see bullmq's if anything imported it.
  expect(loaded.ws).toBeGreaterThan(0);
  expect(loaded.bullmq).toBe(0);
});
