import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldErrorsOf } from './field-errors';

const schema = z.object({
  title: z.string().trim().min(1).max(5),
  lines: z.array(z.string().trim().min(1).max(3)).max(2),
  colour: z.string().regex(/^#[0-9a-f]{6}$/, 'a colour as #rrggbb'),
  n: z.number().int().min(5),
});

const errorsOf = (value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? {} : fieldErrorsOf(r.error.issues, { lines: 'lines' });
};

describe('fieldErrorsOf', () => {
  it('says what each field needs, one problem per field', () => {
    expect(errorsOf({ title: ' ', lines: ['ok', 'fine', 'x'], colour: 'red', n: 2 })).toEqual({
      title: 'Required.',
      lines: 'At most 2 lines.',
      colour: 'Give a colour as #rrggbb.',
      n: 'At least 5.',
    });
  });
  it('names the entry of a list that is wrong', () => {
    expect(errorsOf({ title: 'abcdef', lines: ['ok', 'long'], colour: '#000000', n: 5 })).toEqual({
      title: 'At most 5 characters.',
      lines: 'Entry 2: At most 3 characters.',
    });
  });
  it('is empty for a valid value', () => {
    expect(errorsOf({ title: 'a', lines: [], colour: '#00ff00', n: 9 })).toEqual({});
  });
});
