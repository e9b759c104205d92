import { describe, expect, it } from 'vitest';
import { canTieToParent, spawnTied } from './spawn-tied';

describe('spawnTied', () => {
  it('runs a program with its arguments and output, tied when setpriv is here', async () => {
    expect(canTieToParent()).toBe(true);
    const child = spawnTied('echo', ['tied', 'child'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const code = await new Promise((r) => child.once('close', r));
    expect([code, out]).toEqual([0, 'tied child\n']);
  });

  it('a missing program fails with spawn’s own ENOENT error, as an untied spawn does', async () => {
    const child = spawnTied('clapboard-no-such-program', [], { stdio: ['ignore', 'pipe', 'pipe'] });
    const err = await new Promise<NodeJS.ErrnoException>((r) => child.once('error', r));
    expect(err.code).toBe('ENOENT');
  });
});
