import { MAX_BULK_DOWNLOAD_ITEMS } from '@clapboard/shared/campaigns';
import { describe, expect, it } from 'vitest';
import { allChosen, selectAll, toggle } from './gallery-selection';

describe('gallery selection', () => {
  it('toggles one output in and out, keeping the order chosen', () => {
    expect(toggle(toggle([], 'a'), 'b')).toEqual(['a', 'b']);
    expect(toggle(['a', 'b'], 'a')).toEqual(['b']);
  });
  it('chooses every shown output once, capped at what one download takes', () => {
    expect(selectAll(['b'], ['a', 'b', 'c'])).toEqual({ selection: ['b', 'a', 'c'], capped: false });
    const many = Array.from({ length: MAX_BULK_DOWNLOAD_ITEMS + 5 }, (_, i) => `id${i}`);
    const r = selectAll([], many);
    expect(r.selection).toHaveLength(MAX_BULK_DOWNLOAD_ITEMS);
    expect(r.capped).toBe(true);
  });
  it('knows when all shown are chosen', () => {
    expect(allChosen(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(allChosen(['a'], ['a', 'b'])).toBe(false);
    expect(allChosen([], [])).toBe(false);
  });
});
