import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from '../redis';
import { startEmbeddedPostgres } from './embedded-postgres';
import { startLocalRedis } from './redis-server';

// What `npm start` does on a machine with no DATABASE_URL/REDIS_URL: real servers under DATA_DIR.
const dir = mkdtempSync(join(tmpdir(), 'clapboard-local-'));
// As root, Postgres runs as the 'postgres' user, which must be able to reach the data folder.
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local services', () => {
  it('starts an embedded Postgres, keeps its data across a restart', async () => {
    const first = await startEmbeddedPostgres(join(dir, 'pg'));
    let sql = postgres(first.url, { max: 1, onnotice: () => {} });
    await sql`create table kept (v text)`;
    await sql`insert into kept values ('still here')`;
    await sql.end();
    await first.stop();

    const second = await startEmbeddedPostgres(join(dir, 'pg'));
    expect(second.url).toBe(first.url);
    sql = postgres(second.url, { max: 1, onnotice: () => {} });
    expect(await sql`select v from kept`).toEqual([{ v: 'still here' }]);
    await sql.end();
    await second.stop();
  }, 60_000);

  it('starts redis-server configured with noeviction, and stops it', async () => {
    const local = await startLocalRedis(join(dir, 'redis'), { path: process.env.PATH ?? '' });
    const redis = createRedis(local.url);
    expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    await redis.quit();
    await local.stop();
    const again = createRedis(local.url, { retryStrategy: () => null, lazyConnect: true });
    again.on('error', () => {});
    await expect(again.connect()).rejects.toThrow();
    again.disconnect();
  });
});
