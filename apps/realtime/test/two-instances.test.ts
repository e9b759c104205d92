import {
  DOC_CHANNEL_MESSAGE,
  decodeDocChannelMessage,
  docChannel,
  documentMergeStats,
  publishDocUpdate,
} from '@clapboard/server/documents';
import { createRedis, type Redis } from '@clapboard/server/redis';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeServer } from '../src/server';
import { RELAY_STORE_GRACE_MS } from '../src/yjs/doc-room';
import {
  connectClient,
  createProject,
  createUser,
  startServer,
  storedScript,
  synced,
  ticketFor,
  waitFor,
  Y,
} from './helpers';

describe('two realtime instances through Redis', () => {
  let db: TestDatabase;
  let redis: Redis;
  let one: { server: RealtimeServer; url: string };
  let two: { server: RealtimeServer; url: string };

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    redis = createRedis(redisUrl);
    one = await startServer({ sql: db.sql, redis });
    two = await startServer({ sql: db.sql, redis });
  });
  afterAll(async () => {
    await Promise.all([one.server.close(), two.server.close()]);
    redis.disconnect();
    await db.drop();
  });

  /** A project with an owner and an editor. */
  const newProject = async () => {
    const [ua, ub] = [await createUser(db.sql), await createUser(db.sql)];
    return { ua, ub, project: await createProject(db.sql, { [ua]: 'owner', [ub]: 'editor' }) };
  };
  /** Two instances that compact every 10 updates, and a new project with a client on each. */
  const twoCompacting = async () => {
    const A = await startServer({ sql: db.sql, redis, compactAfterUpdates: 10 });
    const B = await startServer({ sql: db.sql, redis, compactAfterUpdates: 10 });
    const { ua, ub, project } = await newProject();
    const a = connectClient(A.url, project, await ticketFor(ua, project));
    const b = connectClient(B.url, project, await ticketFor(ub, project));
    await Promise.all([synced(a), synced(b)]);
    return { A, B, project, a, b };
  };
  /** A third instance, on its own Redis connection, that holds its writes back for a minute. */
  const startSlow = async () => {
    const slowRedis = createRedis(testServices(process.env).redisUrl);
    const slow = await startServer({ sql: db.sql, redis: slowRedis, batchDelayMs: 60_000 });
    return {
      ...slow,
      /** Closes it: what it held back is written (and compacted) now. */
      async close() {
        await slow.server.close();
        slowRedis.disconnect();
      },
    };
  };

  it('an edit and presence on instance A reach a client on instance B, and a published restore reaches both', async () => {
    const { ua, ub, project } = await newProject();
    const a = connectClient(one.url, project, await ticketFor(ua, project));
    const b = connectClient(two.url, project, await ticketFor(ub, project));
    await Promise.all([synced(a), synced(b)]);
    a.doc.getText('script').insert(0, 'from A');
    await waitFor(() => b.doc.getText('script').toString() === 'from A', 3_000, 'A → B');
    b.doc.getText('script').insert(6, ', from B');
    await waitFor(() => a.doc.getText('script').toString() === 'from A, from B', 3_000, 'B → A');
    a.provider.awareness.setLocalStateField('user', { name: 'Ada' });
    await waitFor(
      () => b.provider.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ada',
      3_000,
      'presence A → B',
    );

    // What the API does on restore: publish an update on the document channel.
    const api = new Y.Doc();
    Y.applyUpdate(api, Y.encodeStateAsUpdate(a.doc));
    let update: Uint8Array | undefined;
    api.on('update', (u: Uint8Array) => {
      update = u;
    });
    api.getText('script').insert(0, 'RESTORED ');
    await publishDocUpdate(redis, project, 'api-test', update!);
    for (const c of [a, b]) {
      await waitFor(() => c.doc.getText('script').toString().startsWith('RESTORED '), 3_000, 'restore seen');
    }
    a.destroy();
    b.destroy();
  });

  it('an edit relayed to another instance is stored by it too, once, before its own instance commits', async () => {
    // The accepting instance holds its writes back: only the receiving instance can have stored them.
    const slow = await startSlow();
    const { ua, ub, project } = await newProject();
    const a = connectClient(slow.url, project, await ticketFor(ua, project));
    const b = connectClient(two.url, project, await ticketFor(ub, project));
    await Promise.all([synced(a), synced(b)]);
    for (const word of ['one ', 'two ', 'three ']) a.doc.getText('script').insert(0, word);
    await waitFor(() => b.doc.getText('script').toString() === 'three two one ', 3_000, 'relayed');
    await waitFor(
      async () => (await storedScript(db.sql, project)) === 'three two one ',
      3_000,
      'stored by B',
    );
    expect(slow.server.stats.updatesPersisted).toBe(0);
    expect(two.server.stats.relayedUpdatesStored).toBeGreaterThanOrEqual(3);
    // The accepting instance now writes the same bytes: each is already there, none is added.
    a.destroy();
    b.destroy();
    await slow.close();
    expect(slow.server.stats.updatesPersisted).toBeGreaterThanOrEqual(3);
    expect(slow.server.stats.updatesAlreadyStored).toBe(slow.server.stats.updatesPersisted);
    expect(await storedScript(db.sql, project)).toBe('three two one ');
  });

  it('in normal operation each update is written once: the accepting instance confirms, the other drops its copy', async () => {
    const { ua, ub, project } = await newProject();
    const a = connectClient(one.url, project, await ticketFor(ua, project));
    const b = connectClient(two.url, project, await ticketFor(ub, project));
    await Promise.all([synced(a), synced(b)]);
    const before = {
      relayed: one.server.stats.relayedUpdatesStored + two.server.stats.relayedUpdatesStored,
      skipped: one.server.stats.updatesAlreadyStored + two.server.stats.updatesAlreadyStored,
    };
    for (let i = 0; i < 10; i++) {
      a.doc.getText('script').insert(0, 'a');
      b.doc.getText('script').insert(0, 'b');
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(() => a.doc.getText('script').length === 20 && b.doc.getText('script').length === 20);
    await waitFor(async () => (await storedScript(db.sql, project)).length === 20, 3_000, 'stored');
    // Past the grace period: an unconfirmed copy would have been written by now.
    await new Promise((r) => setTimeout(r, RELAY_STORE_GRACE_MS * 2));
    expect(one.server.stats.relayedUpdatesStored + two.server.stats.relayedUpdatesStored).toBe(
      before.relayed,
    );
    expect(one.server.stats.updatesAlreadyStored + two.server.stats.updatesAlreadyStored).toBe(
      before.skipped,
    );
    a.destroy();
    b.destroy();
  });

  it('an instance opening a document gets edits another instance accepted but has not stored yet', async () => {
    // Instance C holds writes back for a minute, so the only way to see them is the sync request.
    const slow = await startSlow();
    const { ua, ub, project } = await newProject();
    const a = connectClient(slow.url, project, await ticketFor(ua, project));
    await synced(a);
    a.doc.getText('script').insert(0, 'not stored yet');
    await waitFor(() => slow.server.stats.updatesAccepted > 0, 3_000, 'accepted');
    expect((await db.sql`select count(*)::int as n from doc_updates where doc_id = ${project}`)[0]!.n).toBe(
      0,
    );
    const b = connectClient(two.url, project, await ticketFor(ub, project));
    await synced(b);
    await waitFor(() => b.doc.getText('script').toString() === 'not stored yet', 3_000, 'gap closed');
    a.destroy();
    b.destroy();
    // Closing flushes what was held back (and compacts it into the snapshot).
    await slow.close();
    expect(await storedScript(db.sql, project)).toBe('not stored yet');
  });
  it('two instances compacting one document from memory take turns on its snapshot and lose nothing', async () => {
    const { A, B, project, a, b } = await twoCompacting();
    try {
      for (let i = 0; i < 60; i++) {
        a.doc.getText('script').insert(0, `a${i};`);
        b.doc.getText('script').insert(b.doc.getText('script').length, `b${i};`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const same = () => a.doc.getText('script').toString() === b.doc.getText('script').toString();
      const typed = 2 * Array.from({ length: 60 }, (_, i) => `a${i};`.length).reduce((n, l) => n + l, 0);
      await waitFor(() => same() && a.doc.getText('script').length === typed, 5_000, 'convergence');
      const text = a.doc.getText('script').toString();
      for (const [name, s] of [
        ['A', A.server.stats],
        ['B', B.server.stats],
      ] as const) {
        expect(s.compactionsFromMemory, `${name} compacted`).toBeGreaterThanOrEqual(3);
      }
      // Each found the other's snapshot in between and applied it before writing its own.
      expect(
        A.server.stats.compactionSnapshotRefreshes + B.server.stats.compactionSnapshotRefreshes,
      ).toBeGreaterThan(0);
      await waitFor(async () => (await storedScript(db.sql, project)) === text, 3_000, 'durability');
      a.destroy();
      b.destroy();
    } finally {
      await Promise.all([A.server.close(), B.server.close()]);
    }
    // Closing folded every row left, both instances' (from the rows).
    expect(
      (
        await db.sql<{ n: number }[]>`select count(*)::int as n from doc_updates where doc_id = ${project}`
      )[0]!.n,
    ).toBe(0);
  });

  it('a large document that both instances hold is folded from its rows on the merge thread, not from memory', async () => {
    const { A, B, project, a, b } = await twoCompacting();
    try {
      // Over DOCUMENT_MERGE_DEFAULTS.inlineMaxBytes: applying the other's snapshot on the event loop
      // at every compaction would stall it, so the fold goes to the merge thread.
      a.doc.getText('script').insert(0, 'INT. HOUSE - DAY\n\n'.repeat(2_500));
      await waitFor(() => b.doc.getText('script').length === 45_000, 3_000, 'the large insert on B');
      const before = {
        a: { ...A.server.stats },
        b: { ...B.server.stats },
        threaded: documentMergeStats.threaded,
      };
      for (let i = 0; i < 30; i++) {
        a.doc.getText('script').insert(0, `a${i};`);
        b.doc.getText('script').insert(0, `b${i};`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const same = () => a.doc.getText('script').toString() === b.doc.getText('script').toString();
      // Whichever instance folds first takes every row, both instances'; the other then finds none.
      const folds = () =>
        A.server.stats.compactions + B.server.stats.compactions - before.a.compactions - before.b.compactions;
      await waitFor(() => same() && folds() >= 2, 5_000, 'two folds');
      for (const [s, was] of [
        [A.server.stats, before.a],
        [B.server.stats, before.b],
      ] as const) {
        expect(s.compactionsFromMemory).toBe(was.compactionsFromMemory);
        expect(s.compactionSnapshotRefreshes).toBe(0);
      }
      expect(documentMergeStats.threaded - before.threaded).toBeGreaterThanOrEqual(folds());
      const text = a.doc.getText('script').toString();
      await waitFor(async () => (await storedScript(db.sql, project)) === text, 3_000, 'durability');
      a.destroy();
      b.destroy();
    } finally {
      await Promise.all([A.server.close(), B.server.close()]);
    }
  });

  it('a document held by one instance costs no publish per edit; an instance opening it later still gets every edit, both ways', async () => {
    const { redisUrl } = testServices(process.env);
    const [redisA, redisB, sub] = [createRedis(redisUrl), createRedis(redisUrl), createRedis(redisUrl)];
    // A short answer wait, so the test sees an instance that has stopped waiting for one.
    const A = await startServer({ sql: db.sql, redis: redisA, syncAnswerWaitMs: 300 });
    const B = await startServer({ sql: db.sql, redis: redisB, syncAnswerWaitMs: 300 });
    try {
      const { ua, ub, project } = await newProject();
      let published = 0;
      sub.on('messageBuffer', (_channel: Buffer, data: Buffer) => {
        if (decodeDocChannelMessage(data)?.kind === DOC_CHANNEL_MESSAGE.update) published++;
      });
      await sub.subscribe(docChannel(project));
      const a = connectClient(A.url, project, await ticketFor(ua, project));
      await synced(a);
      await new Promise((r) => setTimeout(r, 600));
      const skippedBefore = A.server.stats.publishesSkipped;
      for (let i = 0; i < 20; i++) a.doc.getText('script').insert(0, 'x');
      await waitFor(
        () => A.server.stats.publishesSkipped >= skippedBefore + 20,
        3_000,
        'edits accepted alone',
      );
      expect(published).toBe(0);

      // B opens it: its sync request makes A answer with what B lacks (stored or not) and ask back.
      const b = connectClient(B.url, project, await ticketFor(ub, project));
      await synced(b);
      await waitFor(() => b.doc.getText('script').toString() === 'x'.repeat(20), 3_000, 'A → B on open');
      b.doc.getText('script').insert(0, 'B');
      a.doc.getText('script').insert(0, 'A');
      const both = () => a.doc.getText('script').toString() === b.doc.getText('script').toString();
      await waitFor(() => both() && a.doc.getText('script').length === 22, 3_000, 'first edits both ways');
      // Past both answer waits, they still relay to each other: each has heard from the other.
      await new Promise((r) => setTimeout(r, 600));
      a.doc.getText('script').insert(0, 'a');
      b.doc.getText('script').insert(0, 'b');
      await waitFor(() => both() && a.doc.getText('script').length === 24, 3_000, 'later edits both ways');
      expect(published).toBeGreaterThan(0);
      a.destroy();
      b.destroy();
    } finally {
      await Promise.all([A.server.close(), B.server.close()]);
      for (const r of [redisA, redisB, sub]) r.disconnect();
    }
  });

  it('an update lost between instances is asked for again: at the next edit that depends on it, or at the next heartbeat', async () => {
    const { redisUrl } = testServices(process.env);
    const [redisA, redisB] = [createRedis(redisUrl), createRedis(redisUrl)];
    // Real Redis, one message lost: A's next published update never leaves A. (Documents are
    // published through a connection the server duplicates from the one it is given.)
    let dropNext = false;
    let dropped = 0;
    const duplicate = redisA.duplicate.bind(redisA);
    redisA.duplicate = ((...args: Parameters<Redis['duplicate']>) => {
      const conn = duplicate(...args);
      const publish = conn.publish.bind(conn);
      conn.publish = ((channel: string, data: Buffer) => {
        if (dropNext && decodeDocChannelMessage(data)?.kind === DOC_CHANNEL_MESSAGE.update) {
          dropNext = false;
          dropped++;
          return Promise.resolve(0);
        }
        return publish(channel, data);
      }) as typeof conn.publish;
      return conn;
    }) as typeof redisA.duplicate;
    // A heartbeat every 300 ms instead of 30 s, so the second case does not wait half a minute.
    const A = await startServer({ sql: db.sql, redis: redisA, hereEveryMs: 300 });
    const B = await startServer({ sql: db.sql, redis: redisB, hereEveryMs: 300 });
    try {
      const { ua, ub, project } = await newProject();
      const a = connectClient(A.url, project, await ticketFor(ua, project));
      const b = connectClient(B.url, project, await ticketFor(ub, project));
      await Promise.all([synced(a), synced(b)]);
      const text = (c: typeof a) => c.doc.getText('script').toString();
      a.doc.getText('script').insert(0, 'one ');
      await waitFor(() => text(b) === 'one ', 3_000, 'relayed normally');

      // 1. Lost, then an edit that builds on it: B sees the gap and asks.
      const repairsBefore = B.server.stats.syncRepairs;
      dropNext = true;
      a.doc.getText('script').insert(4, 'two ');
      await waitFor(() => dropped === 1, 2_000, 'the update was dropped');
      a.doc.getText('script').insert(8, 'three');
      await waitFor(() => text(b) === 'one two three', 3_000, 'repaired at the dependent edit');
      expect(B.server.stats.syncRepairs).toBeGreaterThan(repairsBefore);

      // 2. The last update lost, nothing after it: A's heartbeat shows B what it lacks.
      await new Promise((r) => setTimeout(r, 1_100)); // past B's repair throttle
      dropNext = true;
      a.doc.getText('script').insert(0, '>');
      await waitFor(() => dropped === 2, 2_000, 'the last update was dropped');
      await waitFor(() => text(b) === '>one two three', 3_000, 'repaired at the heartbeat');
      expect(text(a)).toBe(text(b));
      a.destroy();
      b.destroy();
    } finally {
      await Promise.all([A.server.close(), B.server.close()]);
      for (const r of [redisA, redisB]) r.disconnect();
    }
  });
});
