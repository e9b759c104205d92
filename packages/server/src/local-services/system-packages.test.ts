import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureSystemPackages, installCommand, isPresent, parseSystemPackages } from './system-packages';

const ROOT = resolve(import.meta.dirname, '../../../..');
const listFile = join(ROOT, 'infra/system-packages.txt');

describe('the system package list (infra/system-packages.txt)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-syspkg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses, and names what start and the tests need', () => {
    const list = parseSystemPackages(readFileSync(listFile, 'utf8'));
    const names = (use: 'start' | 'test') => list.filter((p) => p.uses.includes(use)).map((p) => p.name);
    expect(names('start')).toEqual(expect.arrayContaining(['ffmpeg', 'festival', 'flite', 'pocketsphinx']));
    expect(names('test')).toEqual(
      expect.arrayContaining(['ffmpeg', 'chromium', 'poppler-utils', 'libxml2-utils']),
    );
    for (const p of list) expect(p.why.length).toBeGreaterThan(5);
  });

  it('is the list .ci/run and the Dockerfile install from (no second list)', () => {
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    const docker = readFileSync(join(ROOT, 'infra/Dockerfile'), 'utf8');
    expect(ci).toContain('< infra/system-packages.txt');
    expect(docker).toContain('system-packages.txt');
    // No package of the list is named on an apt-get line of either file any more.
    const aptLines = [...ci.split('\n'), ...docker.split('\n')].filter((l) => /apt-get install/.test(l));
    for (const p of parseSystemPackages(readFileSync(listFile, 'utf8')))
      for (const line of aptLines) expect(line.split(/\s+/)).not.toContain(p.name);
  });

  it('refuses a malformed line, naming it', () => {
    expect(() => parseSystemPackages('ffmpeg ffmpeg start why')).toThrow(/line 1/);
    expect(() => parseSystemPackages('ffmpeg cmd:ffmpeg deploy why')).toThrow(/line 1/);
  });

  it('tells present from missing, and gives the one command for what is missing', () => {
    const [ffmpeg, ghost] = parseSystemPackages(
      'ffmpeg cmd:ffmpeg start the real one\nclapboard-ghost cmd:clapboard-no-such-tool start,test nowhere',
    );
    expect(isPresent(ffmpeg!, process.env.PATH ?? '')).toBe(true);
    expect(isPresent(ghost!, process.env.PATH ?? '')).toBe(false);
    const file = join(dir, 'list.txt');
    writeFileSync(
      file,
      'ffmpeg cmd:ffmpeg start,test ok\nclapboard-ghost dir:/nonexistent/clapboard test nowhere\n',
    );
    const forTests = ensureSystemPackages('test', {
      root: ROOT,
      file,
      path: process.env.PATH ?? '',
      install: false,
    });
    expect(forTests.missing.map((p) => p.name)).toEqual(['clapboard-ghost']);
    expect(forTests.command).toBe('sudo apt-get install -y clapboard-ghost');
    expect(
      ensureSystemPackages('start', { root: ROOT, file, path: process.env.PATH ?? '', install: false }),
    ).toEqual({
      missing: [],
      command: null,
    });
    expect(installCommand([ffmpeg!, ghost!])).toBe('sudo apt-get install -y ffmpeg clapboard-ghost');
  });
});
