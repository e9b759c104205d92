import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServices } from '../testing';
import { loadMigrations, migrate } from './migrate';

const { databaseUrl } = testServices(process.env);

describe('migrations against a real Postgres', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(databaseUrl, { migrated: false });
  });
  afterAll(() => db.drop());

  it('apply to an empty database, then again as a no-op', async () => {
    const first = await migrate(db.sql);
    expect(first).toEqual(loadMigrations().map((m) => m.name));
    const tables = await db.sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`;
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'users',
        'refresh_tokens',
        'projects',
        'project_members',
        'assets',
        'doc_updates',
        'doc_snapshots',
        'doc_versions',
        'jobs',
        'job_steps',
        'comments',
        'approvals',
        'budgets',
        'cost_ledger',
        'audit_log',
      ]),
    );
    expect(await migrate(db.sql)).toEqual([]);
  });

  it('two concurrent migrators do not race', async () => {
    const other = await createTestDatabase(databaseUrl, { migrated: false });
    try {
      const [a, b] = await Promise.all([migrate(other.sql), migrate(other.sql)]);
      expect([...a, ...b].sort()).toEqual(
        loadMigrations()
          .map((m) => m.name)
          .sort(),
      );
    } finally {
      await other.drop();
    }
  });

  it('refuses an applied migration whose file changed', async () => {
    const changed = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(db.sql, changed)).rejects.toThrow(/was changed after it was applied/);
  });

  it('enforces constraints the queries rely on', async () => {
    const [user] =
      await db.sql`insert into users (email, name, password_hash) values ('a@b.co', 'A', 'x') returning id`;
    await expect(
      db.sql`insert into users (email, name, password_hash) values ('a@b.co', 'A2', 'x')`,
    ).rejects.toThrow(/unique/);
    await expect(
      db.sql`insert into users (email, name, password_hash) values ('Upper@b.co', 'A', 'x')`,
    ).rejects.toThrow(/check/);
    const [project] =
      await db.sql`insert into projects (name, created_by) values ('P', ${user!.id}) returning id`;
    await expect(
      db.sql`insert into project_members (project_id, user_id, role) values (${project!.id}, ${user!.id}, 'admin')`,
    ).rejects.toThrow(/check/);
    const [job] =
      await db.sql`insert into jobs (project_id, type) values (${project!.id}, 'assets.derive') returning id`;
    // a terminal status needs a finish time
    await expect(db.sql`update jobs set status = 'completed' where id = ${job!.id}`).rejects.toThrow(/check/);
    await db.sql`insert into cost_ledger (project_id, job_id, step, resource_class, amount_usd) values (${project!.id}, ${job!.id}, 'probe', 'cpu', 0.01)`;
    await expect(
      db.sql`insert into cost_ledger (project_id, job_id, step, resource_class, amount_usd) values (${project!.id}, ${job!.id}, 'probe', 'cpu', 0.01)`,
    ).rejects.toThrow(/unique/);
  });

  it('notifies membership changes for the realtime server', async () => {
    const heard: string[] = [];
    const listener = await db.sql.listen('clapboard_member_changed', (payload) => heard.push(payload));
    const [user] =
      await db.sql`insert into users (email, name, password_hash) values ('n@b.co', 'N', 'x') returning id`;
    const [project] = await db.sql`insert into projects (name) values ('Q') returning id`;
    await db.sql`insert into project_members (project_id, user_id, role) values (${project!.id}, ${user!.id}, 'editor')`;
    await db.sql`delete from project_members where project_id = ${project!.id}`;
    const deadline = Date.now() + 5_000;
    while (heard.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await listener.unlisten();
    expect(heard.map((h) => JSON.parse(h))).toEqual([
      { projectId: project!.id, userId: user!.id, role: 'editor' },
      { projectId: project!.id, userId: user!.id, role: null },
    ]);
  });
});
