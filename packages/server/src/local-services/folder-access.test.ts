import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StartupError } from '../config';
import { assertReachableByOthers, ensureWritableFolder, firstClosedFolder } from './folder-access';

describe('start-up folder checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-folders-'));
  chmodSync(dir, 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the first folder others cannot enter, from / down', () => {
    const home = join(dir, 'home');
    const clone = join(home, 'clapboard', 'node_modules');
    mkdirSync(clone, { recursive: true });
    expect(firstClosedFolder(clone)).toBeNull();
    chmodSync(home, 0o700); // like /root
    expect(firstClosedFolder(clone)).toBe(home);
    expect(() =>
      assertReachableByOthers([{ path: clone, what: 'the Postgres binaries' }], 'postgres'),
    ).toThrow(
      new StartupError(
        `The embedded Postgres runs as user 'postgres' (Postgres refuses to run as root), and 'postgres' cannot enter ${home} to reach the Postgres binaries (${clone}). Fix one of: chmod o+x ${home}; clone Clapboard into a folder outside ${home} (e.g. /opt/clapboard or /srv/clapboard); or set DATABASE_URL to an existing Postgres.`,
      ),
    );
    expect(() =>
      assertReachableByOthers([{ path: clone, what: 'its data folder', variable: 'DATA_DIR' }], 'postgres'),
    ).toThrow(/set DATA_DIR to a folder outside/);
    chmodSync(home, 0o755);
  });

  it('refuses a DATA_DIR it cannot create, naming the variable, the user and the fix', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(() => ensureWritableFolder(join(file, 'data'), 'DATA_DIR')).toThrow(
      /^DATA_DIR=.*a-file\/data cannot be used by user '.+' \(ENOTDIR\): make it writable .* or set DATA_DIR to a folder you own\.$/,
    );
    const ok = join(dir, 'data');
    ensureWritableFolder(ok, 'DATA_DIR');
    expect(firstClosedFolder(ok)).toBeNull();
  });
});
