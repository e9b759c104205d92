import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveJobFile } from '@clapboard/server/assets';
import { createLocalBlobStore } from '@clapboard/server/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCachedStep, stepCacheKey, writeCachedStep } from '../src/jobs/step-cache';
import { sweepStepCache } from '../src/jobs/sweep-step-cache';
import { createJobHarness, type JobHarness } from './support/job-harness';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-sweep-'));
const store = createLocalBlobStore(join(dir, 'blobs'));

describe('step cache sweep (real Postgres and blob store)', () => {
  let h: JobHarness;
  let jobId: string;
  beforeAll(async () => {
    h = await createJobHarness();
    jobId = await h.enqueue('test.encode', {});
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A cached step whose one output is a real asset of the job; aged `days` days. */
  async function entry(name: string, days: number): Promise<{ key: string; assetId: string }> {
    const file = join(dir, `${name}.bin`);
    writeFileSync(file, `bytes of ${name}`);
    const assetId = await saveJobFile(h.db.sql, store, {
      projectId: h.projectId,
      jobId,
      file,
      kind: 'document',
      mime: 'application/octet-stream',
      name: `${name}.bin`,
    });
    const key = stepCacheKey(h.projectId, 'render.video', name, 1, { name });
    await writeCachedStep(h.db.sql, h.projectId, key, name, { outputs: [{ name, assetId }] });
    await h.db
      .sql`update step_outputs set last_used_at = now() - make_interval(days => ${days}) where cache_key = ${key}`;
    return { key, assetId };
  }

  const assetLeft = async (id: string) => {
    const [row] = await h.db.sql<{ storage_key: string }[]>`select storage_key from assets where id = ${id}`;
    return row ? Boolean(await store.get(row.storage_key)) : false;
  };

  it('deletes entries unused past the age and their assets, keeping recent, just-read and job-result ones', async () => {
    const stale = await entry('stale', 40);
    const fresh = await entry('fresh', 2);
    const result = await entry('result', 40);
    const readNow = await entry('read-now', 40);
    // A finished job lists `result` among its outputs (say, a picked frame): it outlives its entry.
    await h.db.sql`
      update jobs set outputs = ${h.db.sql.json([{ name: 'frame', assetId: result.assetId }] as never)} where id = ${jobId}`;
    // A render found `read-now` a moment ago: reading refreshed its age.
    expect(await readCachedStep(h.db.sql, readNow.key)).not.toBeNull();
    const { storage_key: staleKey } = (
      await h.db.sql<{ storage_key: string }[]>`select storage_key from assets where id = ${stale.assetId}`
    )[0]!;

    const swept = await sweepStepCache(h.db.sql, store, { maxAgeDays: 30, batch: 1 });

    expect(swept).toEqual({ entries: 2, assets: 1 });
    expect(await readCachedStep(h.db.sql, stale.key)).toBeNull();
    expect(await h.db.sql`select 1 from assets where id = ${stale.assetId}`).toHaveLength(0);
    expect(await store.get(staleKey)).toBeNull();
    expect(await assetLeft(result.assetId)).toBe(true);
    expect(await readCachedStep(h.db.sql, result.key)).toBeNull();
    expect(await readCachedStep(h.db.sql, fresh.key)).not.toBeNull();
    expect(await readCachedStep(h.db.sql, readNow.key)).not.toBeNull();
    expect(await assetLeft(fresh.assetId)).toBe(true);
    // Nothing left to sweep.
    expect(await sweepStepCache(h.db.sql, store, { maxAgeDays: 30 })).toEqual({ entries: 0, assets: 0 });
  });

  it("goes with its project: deleting a project removes that project's cache entries", async () => {
    const [other] = await h.db.sql<{ id: string }[]>`
      insert into projects (name, created_by) values ('Doomed', ${h.userId}) returning id`;
    const key = stepCacheKey(other!.id, 'render.video', 'x', 1, {});
    await writeCachedStep(h.db.sql, other!.id, key, 'x', { outputs: [] });
    await h.db.sql`delete from projects where id = ${other!.id}`;
    expect(await h.db.sql`select 1 from step_outputs where cache_key = ${key}`).toHaveLength(0);
  });
});
