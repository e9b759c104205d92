import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { testServices } from '../testing/test-services';
import { waitFor } from '../testing/wait-for';
import { listenChannels } from './listen-channels';
import { migrate } from './migrate';

describe('listenChannels', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(testServices(process.env).databaseUrl);
    await migrate(db.sql);
  });
  afterAll(() => db.drop());

  it('hears the project trigger, says when it is down, and comes back by itself', async () => {
    const heard: [string, string][] = [];
    const live: boolean[] = [];
    const listener = listenChannels(
      db.url,
      ['clapboard_project_changed', 'other_channel'],
      { onNotify: (channel, payload) => heard.push([channel, payload]), onLive: (l) => live.push(l) },
      { retryMs: 20 },
    );
    try {
      await waitFor(() => listener.live, 5_000, 'LISTEN');
      const [p] = await db.sql<{ id: string }[]>`insert into projects (name) values ('N') returning id`;
      await db.sql`update projects set name = 'M' where id = ${p!.id}`;
      await db.sql`select pg_notify('other_channel', 'hello')`;
      await waitFor(() => heard.length >= 3, 5_000, 'three notifications');
      expect(
        heard.map(([channel, payload]) => [
          channel,
          channel === 'other_channel' ? payload : JSON.parse(payload),
        ]),
      ).toEqual([
        ['clapboard_project_changed', { projectId: p!.id }],
        ['clapboard_project_changed', { projectId: p!.id }],
        ['other_channel', 'hello'],
      ]);

      await db.sql`
        select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = 'clapboard-listen' and datname = current_database()`;
      await waitFor(() => live.length >= 3, 10_000, 'down and up again');
      expect(live).toEqual([true, false, true]);
      await db.sql`select pg_notify('other_channel', 'after')`;
      await waitFor(() => heard.length >= 4, 5_000, 'a notification after reconnecting');
      expect(heard[3]).toEqual(['other_channel', 'after']);
    } finally {
      await listener.close();
    }
    expect(listener.live).toBe(false);
  });
});
