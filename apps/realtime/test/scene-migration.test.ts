import { sceneEntries, sceneOrder } from '@clapboard/screenplay';
import { appendUpdates, loadDocumentState } from '@clapboard/server/documents';
import type { Redis } from '@clapboard/server/redis';
import { createRedis } from '@clapboard/server/redis';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeServer } from '../src/server';
import {
  connectClient,
  createProject,
  createUser,
  startServer,
  synced,
  ticketFor,
  waitFor,
  Y,
} from './helpers';

describe('scene layout migration when a document opens', () => {
  let db: TestDatabase;
  let redis: Redis;
  let server: RealtimeServer;
  let url: string;

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    redis = createRedis(redisUrl);
    ({ server, url } = await startServer({ sql: db.sql, redis }));
  });
  afterAll(async () => {
    await server.close();
    redis.disconnect();
    await db.drop();
  });

  it('an old-layout document reaches clients in the id-order layout, and Postgres stores the migration', async () => {
    const user = await createUser(db.sql);
    const project = await createProject(db.sql, { [user]: 'owner' });
    const old = new Y.Doc();
    for (const [id, heading, notes] of [
      ['b', 'EXT. ROAD - NIGHT', 'rain'],
      ['a', 'INT. HOUSE - DAY', ''],
    ] as const) {
      const m = new Y.Map<unknown>();
      m.set('id', id);
      m.set('heading', heading);
      m.set('notes', notes);
      old.getArray('scenes').push([m]);
    }
    await appendUpdates(db.sql, project, [Y.encodeStateAsUpdate(old)]);

    const client = connectClient(url, project, await ticketFor(user, project));
    try {
      await synced(client);
      await waitFor(() => sceneEntries(client.doc).length === 2, 5_000, 'client sees migrated scenes');
      expect(sceneEntries(client.doc).map(({ id, map }) => [id, map.get('notes')])).toEqual([
        ['b', 'rain'],
        ['a', ''],
      ]);
      expect(client.doc.getArray('scenes').length).toBe(0);
      // Stored as is (no in-memory migration on this read): the room persisted its migration.
      const stored = async () => {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, (await loadDocumentState(db.sql, project)).state);
        return doc;
      };
      await waitFor(
        async () =>
          sceneOrder(await stored())
            .toArray()
            .join() === 'b,a',
        5_000,
        'migration persisted',
      );
      expect((await stored()).getArray('scenes').length).toBe(0);
    } finally {
      client.destroy();
    }
  });
});
