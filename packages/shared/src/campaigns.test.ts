import { describe, expect, it } from 'vitest';
import {
  briefFieldsSchema,
  briefInputSchema,
  updateBrandKitBodySchema,
  updateBriefBodySchema,
} from './campaigns';

const brief = {
  title: 'Spring launch',
  product: 'Oat milk',
  audience: 'Commuters',
  keyMessage: 'Foams like the real thing',
};

describe('must-say lines', () => {
  it('are spoken lines: brackets inside a line are fine, a line wholly in parentheses or holding a note is not', () => {
    const ok = briefInputSchema.safeParse({
      ...brief,
      mustSay: ['Now (finally) in every café', '[Try] it today'],
    });
    expect(ok.success).toBe(true);
    for (const bad of ['(Now in every café)', 'Now [[in every]] café', 'Try /* it */ today']) {
      const r = briefInputSchema.safeParse({ ...brief, mustSay: ['Fine', bad] });
      expect(r.success, bad).toBe(false);
      if (!r.success) {
        expect(r.error.issues[0]!.message).toMatch(/direction, not spoken|notes and drops them/);
        expect(r.error.issues[0]!.path).toEqual(['mustSay', 1]);
      }
      expect(updateBriefBodySchema.safeParse({ mustSay: [bad] }).success, bad).toBe(false);
      // The brand kit's must-say lines follow the same rule.
      expect(updateBrandKitBodySchema.safeParse({ writing: { mustSay: [bad] } }).success, bad).toBe(false);
      // What was stored before the rule still reads.
      expect(briefFieldsSchema.safeParse({ ...brief, mustSay: [bad] }).success, bad).toBe(true);
    }
  });
});
