import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wavInfo } from '../media/wav-info';
import { closeFestivalSessions, sayWithFestival } from './festival-session';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-festival-'));
afterAll(() => {
  closeFestivalSessions();
  rmSync(dir, { recursive: true, force: true });
});

describe('festival sessions (real festival)', () => {
  it('speaks exactly what text2wave speaks, without starting festival per line', async () => {
    const line = 'The ferry is late again.';
    const ours = join(dir, 'ours.wav');
    await sayWithFestival('voice_kal_diphone', line, ours);
    const textFile = join(dir, 'line.txt');
    writeFileSync(textFile, line);
    const theirs = join(dir, 'theirs.wav');
    execFileSync('text2wave', ['-o', theirs, '-eval', '(voice_kal_diphone)', textFile]);
    expect(readFileSync(ours).equals(readFileSync(theirs))).toBe(true);
    // Later lines reuse the running session: far under text2wave's 0.4 s start-up each.
    const started = performance.now();
    for (let i = 0; i < 4; i++)
      await sayWithFestival('voice_kal_diphone', `Line ${i}.`, join(dir, `l${i}.wav`));
    expect((performance.now() - started) / 4).toBeLessThan(300);
  });

  it('speaks lines given at once, each into its own file', async () => {
    const lines = ['One.', 'Two, and more words.', 'Three things to say here.'];
    await Promise.all(lines.map((l, i) => sayWithFestival('voice_kal_diphone', l, join(dir, `p${i}.wav`))));
    const lengths = await Promise.all(
      lines.map(async (_, i) => (await wavInfo(join(dir, `p${i}.wav`)))!.durationSec),
    );
    expect(lengths[0]).toBeLessThan(lengths[1]!);
    expect(lengths[1]).toBeLessThan(lengths[2]!);
  });

  it('reads quotes, backslashes and parentheses as text, never as Scheme', async () => {
    const marker = join(dir, 'pwned');
    const nasty = `He said "hi") (system "touch ${marker}") (print "\\" and left.`;
    const out = join(dir, 'nasty.wav');
    await sayWithFestival('voice_kal_diphone', nasty, out);
    expect((await wavInfo(out))!.durationSec).toBeGreaterThan(1);
    expect(existsSync(marker)).toBe(false);
  });

  it('an abort stops the line at once; the next line starts a fresh session', async () => {
    const controller = new AbortController();
    const long = 'word '.repeat(400);
    const pending = sayWithFestival('voice_kal_diphone', long, join(dir, 'long.wav'), controller.signal);
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    const at = performance.now();
    await expect(pending).rejects.toThrow();
    expect(performance.now() - at).toBeLessThan(1000);
    const after = join(dir, 'after.wav');
    await sayWithFestival('voice_kal_diphone', 'Still here.', after);
    expect((await wavInfo(after))!.durationSec).toBeGreaterThan(0.3);
  });
});
