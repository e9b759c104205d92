import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { cancelChannel, JobCancelledError } from './cancel-channel';

describe('JobCancelledError', () => {
  it('is unrecoverable (BullMQ does not retry a cancelled step) and recognisable by class, not text', () => {
    const err = new JobCancelledError();
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect(err).toBeInstanceOf(JobCancelledError);
    expect(err.name).toBe('JobCancelledError');
    expect(new UnrecoverableError(err.message)).not.toBeInstanceOf(JobCancelledError);
  });

  it('the cancel channel lives under the key prefix', () => {
    expect(cancelChannel('tenant-a')).toBe('tenant-a:jobs:cancel');
  });
});
