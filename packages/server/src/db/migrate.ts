import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from './connect-db';

/** Folder of forward-only migrations: `NNNN_name.sql`, applied in name order. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** Reads the migration files in order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      return { name, sql: text, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

// Any constant shared by every instance: serializes concurrent migrators (two apps starting at once).
const MIGRATION_LOCK_ID = 727_274_001;

/**
 * Applies pending migrations, each in its own transaction, under an advisory lock so concurrent
 * starts do not race. Refuses to run when an applied migration's file has changed (forward-only:
 * fix with a new migration). Returns the names applied now (empty when up to date).
 */
export async function migrate(sql: Sql, migrations = loadMigrations()): Promise<string[]> {
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`;
    await tx`
      create table if not exists schema_migrations (
        name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`;
    const rows = await tx<{ name: string; checksum: string }[]>`select name, checksum from schema_migrations`;
    const done = new Map(rows.map((r) => [r.name, r.checksum]));
    for (const m of migrations) {
      const previous = done.get(m.name);
      if (previous !== undefined) {
        if (previous !== m.checksum) {
          throw new Error(
            `Migration ${m.name} was changed after it was applied; add a new migration instead.`,
          );
        }
        continue;
      }
      await tx.unsafe(m.sql);
      await tx`insert into schema_migrations (name, checksum) values (${m.name}, ${m.checksum})`;
      applied.push(m.name);
    }
  });
  return applied;
}
