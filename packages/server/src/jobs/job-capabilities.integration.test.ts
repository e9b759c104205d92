import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from '../redis';
import { announceWorker, testPrefix, testServices } from '../testing';
import { CAPABILITY_CACHE_MS, createCapabilities } from './job-capabilities';

const { redisUrl } = testServices(process.env);
const redis = createRedis(redisUrl);
afterAll(() => redis.quit());

describe('capabilities from the workers reports in real Redis', () => {
  it('runsNow answers only from a fresh read, refreshes in the background, and forgets on demand', async () => {
    const prefix = testPrefix('caps');
    const worker = await announceWorker(redis, prefix, ['assets.derive'], 'caps-worker');
    const caps = createCapabilities(redis, prefix);
    // Nothing read yet: the hot path does not guess.
    expect(caps.runsNow('assets.derive')).toBe(false);
    await caps.require('assets.derive');
    expect(caps.runsNow('assets.derive')).toBe(true);
    expect(caps.runsNow('render.video')).toBe(false);
    await expect(caps.require('render.video')).rejects.toMatchObject({ name: 'CapabilityMissingError' });

    // Past half the cache's life, a call starts a background read; the worker is gone by then,
    // so once that read lands the type is no longer runnable (without waiting for expiry).
    await redis.del(`${prefix}:models:${worker}`);
    await new Promise((r) => setTimeout(r, CAPABILITY_CACHE_MS / 2 + 50));
    expect(caps.runsNow('assets.derive')).toBe(true);
    const deadline = Date.now() + 1_000;
    while (caps.runsNow('assets.derive') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(caps.runsNow('assets.derive')).toBe(false);

    await announceWorker(redis, prefix, ['assets.derive'], 'caps-worker');
    await caps.get();
    expect(caps.runsNow('assets.derive')).toBe(false); // still the cached "no" from the refresh
    caps.forget();
    expect(caps.runsNow('assets.derive')).toBe(false);
    await caps.require('assets.derive');
    expect(caps.runsNow('assets.derive')).toBe(true);
    await redis.del(`${prefix}:models:caps-worker`);
  });

  it('passes on the reason a worker gives for declining a type, until some worker runs it', async () => {
    const prefix = testPrefix('caps');
    const reason =
      'No worker has an LLM provider configured (set OPENAI_BASE_URL or OLLAMA_BASE_URL on a worker).';
    await announceWorker(redis, prefix, ['assets.derive'], 'plain', 600, [{ type: 'lesson.draft', reason }]);
    const caps = createCapabilities(redis, prefix);
    const before = await caps.get();
    expect(before.runnable.has('lesson.draft')).toBe(false);
    expect(before.missing.get('lesson.draft')).toBe(reason);
    // Types nobody declined keep the generic reason.
    expect(before.missing.get('render.video')).toMatch(/None of the 1 running worker/);
    await expect(caps.require('lesson.draft')).rejects.toMatchObject({
      message: reason,
      type: 'lesson.draft',
    });

    // A second worker with a provider runs it: the type is runnable whatever the first one says.
    await announceWorker(redis, prefix, ['lesson.draft'], 'with-llm');
    caps.forget();
    await caps.require('lesson.draft');
    expect((await caps.get()).missing.has('lesson.draft')).toBe(false);
    await redis.del(`${prefix}:models:plain`, `${prefix}:models:with-llm`);
  });
});
