import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createSql, type Sql } from '../db/connect-db';
import { migrate } from '../db/migrate';

export interface TestDatabase {
  /** Connection URL of the fresh database. */
  url: string;
  /** A client connected to it (closed by `drop`). */
  sql: Sql;
  /** Closes the client and drops the database. */
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named database on the server in `baseUrl` (normally the suite's
 * DATABASE_URL), applies every migration, and returns a client for it. Each test file gets its own
 * database, so files can run in parallel and leave nothing behind.
 */
export async function createTestDatabase(baseUrl: string, { migrated = true } = {}): Promise<TestDatabase> {
  const name = `clapboard_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 1 });
  }
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const sql = createSql(url, { max: 5, applicationName: 'clapboard-test' });
  if (migrated) await migrate(sql);
  return {
    url,
    sql,
    async drop() {
      await sql.end({ timeout: 2 });
      const a = postgres(baseUrl, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end({ timeout: 1 });
      }
    },
  };
}

/** A Redis key prefix unique to one test, so queues and keys of parallel tests never meet. */
export function testPrefix(label = 't'): string {
  return `cbtest:${label}:${randomBytes(4).toString('hex')}`;
}
