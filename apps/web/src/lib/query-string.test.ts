import { describe, expect, it } from 'vitest';
import { queryString } from './query-string';

describe('queryString', () => {
  it('keeps parameters with a value, in order, encoded', () => {
    expect(queryString({ clientId: 'a b', status: undefined, q: '', limit: 20, cursor: 'x&y' })).toBe(
      '?clientId=a%20b&limit=20&cursor=x%26y',
    );
  });
  it('is empty when nothing has a value', () => {
    expect(queryString({ a: null, b: undefined, c: '' })).toBe('');
  });
});
