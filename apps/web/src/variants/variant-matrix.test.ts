import { PRESET_IDS, type Variant } from '@clapboard/shared/campaigns';
import { describe, expect, it } from 'vitest';
import { EMPTY_MATRIX, matrixBody } from './variant-matrix';
import { aspectCss, decisionText, shapeText } from './variant-text';

describe('matrixBody', () => {
  it('asks for the ticked presets in the order shown, then the custom rows', () => {
    const r = matrixBody(
      {
        ...EMPTY_MATRIX,
        presets: ['square-30', 'vertical-15'],
        custom: [{ name: 'Billboard', aspectRatio: '16:9', durationSec: '6' }],
        resolution: '480p',
      },
      PRESET_IDS,
    );
    expect(r).toEqual({
      ok: true,
      body: {
        variants: [
          { preset: 'vertical-15' },
          { preset: 'square-30' },
          { preset: 'custom', name: 'Billboard', aspectRatio: '16:9', durationSec: 6 },
        ],
        resolution: '480p',
        burnSubtitles: true,
        final: false,
      },
    });
  });
  it('says what is wrong in words', () => {
    expect(matrixBody(EMPTY_MATRIX, PRESET_IDS)).toEqual({
      ok: false,
      problem: 'Choose at least one preset, or add a custom size.',
    });
    const row = { name: 'x', aspectRatio: '1:1' as const, durationSec: '10' };
    expect(
      matrixBody(
        { ...EMPTY_MATRIX, presets: [...PRESET_IDS], custom: [row, { ...row, name: 'y' }] },
        PRESET_IDS,
      ),
    ).toEqual({ ok: false, problem: 'One render makes at most 6 variants; you chose 7.' });
    expect(
      matrixBody(
        { ...EMPTY_MATRIX, presets: ['vertical-15'], custom: [{ ...row, durationSec: '2' }] },
        PRESET_IDS,
      ),
    ).toEqual({ ok: false, problem: 'Custom size 1: give a length in whole seconds from 5 to 180.' });
    expect(matrixBody({ ...EMPTY_MATRIX, custom: [{ ...row, name: ' ' }] }, PRESET_IDS)).toEqual({
      ok: false,
      problem: 'Custom size 1: give it a name (at most 60 characters).',
    });
    const twice = matrixBody({ ...EMPTY_MATRIX, custom: [row, row] }, PRESET_IDS);
    expect(twice.ok).toBe(false);
    if (!twice.ok) expect(twice.problem).toContain('asked for twice');
  });
});

describe('variant text', () => {
  const approval: NonNullable<Variant['approval']> = {
    status: 'approved',
    note: null,
    by: { id: null, name: 'Gina' },
    role: 'guest',
    at: '2026-11-12T14:03:00.000Z',
    stale: false,
  };
  it('names who decided, and marks the client', () => {
    expect(decisionText(approval)).toMatch(/^Approved by Gina \(client\) · /);
    expect(decisionText({ ...approval, status: 'changes_requested', role: 'reviewer' })).toMatch(
      /^Changes requested by Gina · /,
    );
    expect(decisionText(null)).toBe('Waiting for a decision');
  });
  it('shows shape and length', () => {
    expect(shapeText({ aspectRatio: '9:16', durationSec: 14.6 })).toBe('9:16 · 0:15');
    expect(aspectCss('4:5')).toBe('4 / 5');
  });
});
