import { describe, expect, it } from 'vitest';
import { leafAt, leafChanges, rebaseLeaves, staleLeaves, unknownLeaves, withLeaf } from './field-merge';

const kit = {
  name: 'Oat house style',
  palette: { primary: '#112233', accent: '#ffcc00' },
  captionStyle: { size: 0.05, uppercase: false },
  mustSay: ['Ask for it'],
};

describe('field-merge', () => {
  it('a change is its leaves: nested objects only with the fields that changed, and their old values', () => {
    const after = { ...kit, palette: { ...kit.palette, accent: '#ff7043' }, mustSay: ['Ask', 'Now'] };
    expect(leafChanges(kit, after)).toEqual({
      patch: { palette: { accent: '#ff7043' }, mustSay: ['Ask', 'Now'] },
      base: { palette: { accent: '#ffcc00' }, mustSay: ['Ask for it'] },
    });
    expect(leafChanges(kit, structuredClone(kit))).toEqual({ patch: {}, base: {} });
  });

  it('names the leaves of a base that changed since, and the ones a record has no field for', () => {
    const now = { ...kit, palette: { ...kit.palette, primary: '#000000' } };
    expect(staleLeaves(now, { palette: { accent: '#ffcc00' }, name: kit.name })).toEqual([]);
    expect(staleLeaves(now, { palette: { primary: '#112233', accent: '#ffcc00' }, mustSay: ['x'] })).toEqual([
      'palette.primary',
      'mustSay',
    ]);
    expect(unknownLeaves(kit, { palette: { accent: 'x', glow: 'y' }, colour: 1, name: 'n' })).toEqual([
      'palette.glow',
      'colour',
    ]);
  });

  it('moves a form onto a newer copy: untouched leaves take theirs, changed ones stay, both-changed are named', () => {
    const mine = {
      ...kit,
      palette: { ...kit.palette, accent: '#ff7043' },
      captionStyle: { size: 0.07, uppercase: true },
    };
    const now = {
      ...kit,
      name: 'Oat house style 2',
      palette: { ...kit.palette, primary: '#000000' },
      captionStyle: { size: 0.06, uppercase: true },
    };
    const r = rebaseLeaves(mine, kit, now);
    expect(r.merged).toEqual({
      name: 'Oat house style 2',
      palette: { primary: '#000000', accent: '#ff7043' },
      captionStyle: { size: 0.07, uppercase: true },
      mustSay: ['Ask for it'],
    });
    expect(r.conflicts).toEqual({ 'captionStyle.size': 0.06 });
    expect(withLeaf(r.merged, 'captionStyle.size', 0.06).captionStyle).toEqual({
      size: 0.06,
      uppercase: true,
    });
    expect(r.merged.captionStyle.size).toBe(0.07);
    expect(leafAt(r.merged, 'palette.accent')).toBe('#ff7043');
    expect(leafAt(r.merged, 'palette.glow.x')).toBeUndefined();
  });
});
