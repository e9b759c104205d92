import { describe, expect, it } from 'vitest';
import { formatUsd } from './format';

describe('formatUsd', () => {
  it('shows four decimals under a dollar and cents above', () => {
    expect(formatUsd(0.0123)).toBe('$0.0123');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(0)).toBe('$0.0000');
    expect(formatUsd(null)).toBe('—');
  });

  it('does not round a small non-zero cost down to $0.0000', () => {
    expect(formatUsd(0.00004)).toBe('<$0.0001');
    expect(formatUsd(0.00006)).toBe('$0.0001');
  });
});
