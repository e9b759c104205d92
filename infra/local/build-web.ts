import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StartupError } from '@clapboard/server/config';
import { ROOT } from './launcher-env';

/** Newest modification time under `dir` (skipping node_modules and dist). */
function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

/**
 * Builds apps/web with Vite when its dist is missing or older than its sources (or the shared
 * package), and returns the dist folder the API serves at `/`.
 */
export async function buildWebIfStale(say: (m: string) => void): Promise<string> {
  const web = resolve(ROOT, 'apps/web');
  const dist = join(web, 'dist');
  const index = join(dist, 'index.html');
  const sources = Math.max(
    newest(join(web, 'src')),
    newest(resolve(ROOT, 'packages/shared/src')),
    statSync(join(web, 'index.html')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return dist;
  say('building the web app (vite build)…');
  const result = spawnSync(resolve(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], {
    cwd: web,
    stdio: 'inherit',
  });
  if (result.status !== 0)
    throw new StartupError(
      'The web app failed to build (see above). Run "npm run build -w @clapboard/web" to see the error alone.',
    );
  return dist;
}
