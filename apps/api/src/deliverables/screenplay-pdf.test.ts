import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paginateScreenplay, parseFountain } from '@clapboard/screenplay';
import { afterAll, describe, expect, it } from 'vitest';
import { screenplayPdf } from './screenplay-pdf';

const tmp = mkdtempSync(join(tmpdir(), 'clapboard-screenplay-pdf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function pdfOf(script: string): Promise<string> {
  const file = join(tmp, `${Math.random().toString(36).slice(2)}.pdf`);
  const pdf = await screenplayPdf(paginateScreenplay(parseFountain(script)), {
    title: 'Test',
    versionId: 'v-1',
    versionName: 'One',
  });
  writeFileSync(file, pdf);
  return file;
}

describe('screenplayPdf (read back with poppler)', () => {
  it('prints Windows-1252 text in Courier and other scripts in a Unicode monospaced face', async () => {
    const file = await pdfOf('INT. CAFÉ “NORD” - NIGHT\n\nŁukasz reads Пушкин to Zoë.\n');
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    expect(text).toMatch(/INT\. CAFÉ “NORD” - NIGHT/);
    expect(text).toContain('Łukasz reads Пушкин to Zoë.');
    const fonts = execFileSync('pdffonts', [file]).toString();
    expect(fonts).toMatch(/^Courier\s/m);
    expect(fonts).toMatch(/Mono/);
  });

  it('puts every script line on the Courier grid: action at 1.5", cues at 3.7"', async () => {
    const file = await pdfOf('INT. ROOM - DAY\n\nAction here.\n\nBOB\nHello.\n');
    // -bbox gives each word's position in points; 1" = 72 pt.
    const html = execFileSync('pdftotext', ['-bbox', file, '-']).toString();
    const xOf = (word: string) => Number(new RegExp(`xMin="([\\d.]+)"[^>]*>${word}<`).exec(html)?.[1]);
    expect(xOf('Action')).toBeCloseTo(108, 0);
    expect(xOf('BOB')).toBeCloseTo(108 + 22 * 7.2, 0);
    expect(xOf('Hello.')).toBeCloseTo(108 + 10 * 7.2, 0);
  });
});
