import type { JobTypeInfo } from '@clapboard/shared/jobs';
import { describe, expect, it } from 'vitest';
import { lectureJobAvailability } from './lecture-jobs';

const info = (type: string, available: boolean, reason: string | null = null) =>
  ({
    type,
    title: type,
    resourceClass: 'cpu',
    available,
    reason,
    work: {},
    usdPerSec: 0,
  }) as unknown as JobTypeInfo;

describe('lecture job availability', () => {
  it('is offered only when a live worker runs the type, else says why', () => {
    expect(lectureJobAvailability(undefined, 'highlights.extract')).toEqual({ state: 'unknown' });
    expect(lectureJobAvailability([info('highlights.extract', true)], 'highlights.extract')).toEqual({
      state: 'available',
    });
    expect(
      lectureJobAvailability([info('highlights.clips', false, 'No GPU worker.')], 'highlights.clips'),
    ).toEqual({
      state: 'unavailable',
      reason: 'No GPU worker.',
    });
    const missing = lectureJobAvailability([info('assets.derive', true)], 'highlights.extract');
    expect(missing.state).toBe('unavailable');
    expect(missing.state === 'unavailable' && missing.reason).toMatch(/no lecture analysis pipeline/);
  });
});
