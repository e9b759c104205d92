import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claimScratchRoot, DEFAULT_SCRATCH_BASE, processTempDir } from './scratch-root';

const base = mkdtempSync(join(tmpdir(), 'clapboard-scratch-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('claimScratchRoot', () => {
  it("sweeps folders of dead runs, keeps live workers' folders and gives this process its own", () => {
    // A pid that certainly belonged to a process that has exited.
    const deadPid = spawnSync('true').pid as number;
    const livePid = process.ppid;
    const dead = join(base, `run-${deadPid}`);
    mkdirSync(join(dead, 'job-1'), { recursive: true });
    writeFileSync(join(dead, 'job-1', 'frame.png'), 'x');
    mkdirSync(join(base, `run-${livePid}`));
    const oldLegacy = join(base, '0f6b1b0e-1111-4222-8333-944455556666-abc');
    const newLegacy = join(base, '0f6b1b0e-1111-4222-8333-944455556667-abc');
    mkdirSync(oldLegacy);
    mkdirSync(newLegacy);
    const twoDaysAgo = (Date.now() - 48 * 3600_000) / 1000;
    utimesSync(oldLegacy, twoDaysAgo, twoDaysAgo);

    const { dir, swept } = claimScratchRoot(base);
    expect(dir).toBe(join(base, `run-${process.pid}`));
    expect(existsSync(dir)).toBe(true);
    expect(swept.sort()).toEqual([`run-${deadPid}`, '0f6b1b0e-1111-4222-8333-944455556666-abc'].sort());
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(join(base, `run-${livePid}`))).toBe(true);
    expect(existsSync(newLegacy)).toBe(true);

    // A second worker in the same process keeps the first one's folder and what is in it.
    writeFileSync(join(dir, 'in-use'), 'x');
    expect(claimScratchRoot(base).swept).toEqual([]);
    expect(existsSync(join(dir, 'in-use'))).toBe(true);
  });

  it('temporary files made outside a step go under this process run folder of the default base', () => {
    const dir = processTempDir();
    expect(dir).toBe(join(DEFAULT_SCRATCH_BASE, `run-${process.pid}`));
    expect(existsSync(dir)).toBe(true);
  });
});
