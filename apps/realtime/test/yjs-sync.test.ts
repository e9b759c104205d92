import type { Redis } from '@clapboard/server/redis';
import { createRedis } from '@clapboard/server/redis';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import { CLOSE_CODES, YJS_MESSAGE } from '@clapboard/shared/protocol';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import type { RealtimeServer } from '../src/server';
import {
  closeCodeOf,
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

describe('yjs endpoint', () => {
  let db: TestDatabase;
  let redis: Redis;
  let server: RealtimeServer;
  let url: string;
  let http: string;

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    redis = createRedis(redisUrl);
    const started = await startServer({ sql: db.sql, redis });
    server = started.server;
    url = started.url;
    http = `http://127.0.0.1:${started.port}`;
  });
  afterAll(async () => {
    await server.close();
    redis.disconnect();
    await db.drop();
  });

  it('two editors converge and every edit reaches Postgres', async () => {
    const [ada, bob] = [await createUser(db.sql), await createUser(db.sql)];
    const project = await createProject(db.sql, { [ada]: 'owner', [bob]: 'editor' });
    const a = connectClient(url, project, await ticketFor(ada, project));
    const b = connectClient(url, project, await ticketFor(bob, project));
    await Promise.all([synced(a), synced(b)]);
    a.doc.getText('script').insert(0, 'INT. HOUSE - DAY\n');
    b.doc.getText('script').insert(0, 'FADE IN:\n');
    const expected = 'FADE IN:\nINT. HOUSE - DAY\n';
    const sameText = () =>
      a.doc.getText('script').toString() === b.doc.getText('script').toString() &&
      a.doc.getText('script').length === expected.length;
    await waitFor(sameText, 5_000, 'convergence');
    const text = a.doc.getText('script').toString();
    await waitFor(async () => (await storedScript(db.sql, project)) === text, 2_000, 'durability');
    a.destroy();
    b.destroy();
  });

  it('compacts a large document from memory while open, folds the rest on the merge thread on close, and loses nothing', async () => {
    const busy = await startServer({ sql: db.sql, redis, compactAfterUpdates: 10, docIdleMs: 200 });
    try {
      const ada = await createUser(db.sql);
      const project = await createProject(db.sql, { [ada]: 'owner' });
      const a = connectClient(busy.url, project, await ticketFor(ada, project));
      await synced(a);
      const type = async (n: number) => {
        for (let i = 0; i < n; i++) {
          a.doc.getText('script').insert(0, `${i};`);
          await new Promise((r) => setTimeout(r, 5)); // separate updates, as keystrokes arrive
        }
      };
      const health = async () =>
        (await (await fetch(`http://127.0.0.1:${busy.port}/healthz`)).json()) as {
          compactions: number;
          compactionsFromMemory: number;
          compactionSnapshotRefreshes: number;
          compactionMerges: { inline: number; threaded: number; inlineFallback: number };
        };
      const rows = async () =>
        (
          await db.sql<{ n: number }[]>`select count(*)::int as n from doc_updates where doc_id = ${project}`
        )[0]!.n;
      const before = await health();
      // Large (over DOCUMENT_MERGE_DEFAULTS.inlineMaxBytes), so a fold of its rows goes to the thread.
      a.doc.getText('script').insert(0, 'INT. HOUSE - DAY\n\n'.repeat(2_500));
      await type(15);
      await waitFor(async () => (await health()).compactionsFromMemory >= 1, 5_000, 'a compaction');
      await type(15);
      await waitFor(async () => (await health()).compactionsFromMemory >= 2, 5_000, 'a second compaction');
      const open = await health();
      // While open, compactions read nothing back: no fold of rows (this server's counts; the merge
      // counts are the process's), and no snapshot but its own.
      expect(open.compactions).toBe(open.compactionsFromMemory);
      expect(open.compactionSnapshotRefreshes).toBe(0);
      // 31 updates stored; each compaction deleted the 10 or more stored since the one before.
      expect(await rows()).toBeLessThanOrEqual(31 - 2 * 10);
      const [snapshot] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from doc_snapshots where doc_id = ${project}`;
      expect(snapshot!.n).toBe(1);
      await type(3);
      const text = a.doc.getText('script').toString();
      await waitFor(async () => (await storedScript(db.sql, project)) === text, 3_000, 'durability');
      // Closing (the last client left) folds what is left from the rows, on the merge thread.
      a.destroy();
      await waitFor(async () => (await rows()) === 0, 5_000, 'the fold on close');
      const closed = await health();
      expect(closed.compactions).toBe(closed.compactionsFromMemory + 1);
      expect(closed.compactionMerges.threaded).toBeGreaterThan(before.compactionMerges.threaded);
      expect(closed.compactionMerges.inlineFallback).toBe(0);
      expect(await storedScript(db.sql, project)).toBe(text);
    } finally {
      await busy.server.close();
    }
  });

  it("drops a viewer's edits (counted) but relays the viewer's presence", async () => {
    const [ed, vi] = [await createUser(db.sql), await createUser(db.sql)];
    const project = await createProject(db.sql, { [ed]: 'editor', [vi]: 'viewer' });
    const editor = connectClient(url, project, await ticketFor(ed, project));
    const viewer = connectClient(url, project, await ticketFor(vi, project, 'viewer'));
    await Promise.all([synced(editor), synced(viewer)]);
    const droppedBefore = server.stats.readOnlyUpdatesDropped;
    viewer.doc.getText('script').insert(0, 'VIEWER WAS HERE');
    viewer.provider.awareness.setLocalStateField('user', { name: 'Vic' });
    await waitFor(
      () => editor.provider.awareness.getStates().get(viewer.doc.clientID)?.user?.name === 'Vic',
      3_000,
      'viewer presence',
    );
    await waitFor(() => server.stats.readOnlyUpdatesDropped > droppedBefore, 3_000, 'drop counted');
    const health = (await (await fetch(`${http}/healthz`)).json()) as { readOnlyUpdatesDropped: number };
    expect(health.readOnlyUpdatesDropped).toBeGreaterThan(droppedBefore);
    // The editor's next edit is the marker: once it is stored, the viewer's would be too if accepted.
    editor.doc.getText('script').insert(0, 'EDITOR ');
    await waitFor(async () => (await storedScript(db.sql, project)) === 'EDITOR ', 2_000, 'editor stored');
    expect(editor.doc.getText('script').toString()).toBe('EDITOR ');
    const rows = await db.sql`select update from doc_updates where doc_id = ${project}`;
    expect(rows.some((r) => Buffer.from(r.update).includes('VIEWER'))).toBe(false);
    // The server reports how long accepted updates waited to be committed.
    const after = (await (await fetch(`${http}/healthz`)).json()) as {
      persistLatencyMs: { count: number; p50: number; p99: number; max: number };
    };
    expect(after.persistLatencyMs.count).toBeGreaterThan(0);
    expect(after.persistLatencyMs.p50).toBeGreaterThan(0);
    expect(after.persistLatencyMs.max).toBeGreaterThanOrEqual(after.persistLatencyMs.p99);
    editor.destroy();
    viewer.destroy();
  });

  it('refuses bad, expired, foreign and non-member tickets with their close codes', async () => {
    const [member, outsider] = [await createUser(db.sql), await createUser(db.sql)];
    const project = await createProject(db.sql, { [member]: 'editor' });
    const other = await createProject(db.sql, { [member]: 'editor' });
    expect(await closeCodeOf(`${url}/${project}`)).toBe(CLOSE_CODES.unauthorized);
    expect(await closeCodeOf(`${url}/${project}?ticket=not.a.jwt`)).toBe(CLOSE_CODES.unauthorized);
    const expired = await ticketFor(member, project, 'editor', -5);
    expect(await closeCodeOf(`${url}/${project}?ticket=${expired}`)).toBe(CLOSE_CODES.ticketExpired);
    const foreign = await ticketFor(member, other);
    expect(await closeCodeOf(`${url}/${project}?ticket=${foreign}`)).toBe(CLOSE_CODES.forbidden);
    const stranger = await ticketFor(outsider, project);
    expect(await closeCodeOf(`${url}/${project}?ticket=${stranger}`)).toBe(CLOSE_CODES.forbidden);
    await db.sql`update projects set deleted_at = now() where id = ${other}`;
    expect(await closeCodeOf(`${url}/${other}?ticket=${foreign}`)).toBe(CLOSE_CODES.notFound);
    expect(await closeCodeOf(`${url}/not-a-uuid?ticket=${foreign}`)).toBe(CLOSE_CODES.notFound);
  });

  it('disconnects a removed member within a second', async () => {
    const [owner, ed] = [await createUser(db.sql), await createUser(db.sql)];
    const project = await createProject(db.sql, { [owner]: 'owner', [ed]: 'editor' });
    const client = connectClient(url, project, await ticketFor(ed, project));
    await synced(client);
    const closed = new Promise<number>((resolve) =>
      client.provider.once('connection-close', (event) => resolve(event?.code ?? 0)),
    );
    const t0 = Date.now();
    await db.sql`delete from project_members where project_id = ${project} and user_id = ${ed}`;
    expect(await closed).toBe(CLOSE_CODES.forbidden);
    expect(Date.now() - t0).toBeLessThan(1_000);
    client.destroy();
  });

  it('a campaign member edits through their inherited role and is cut off when they leave the campaign or the client', async () => {
    const [owner, campaignEditor, clientEditor] = [
      await createUser(db.sql),
      await createUser(db.sql),
      await createUser(db.sql),
    ];
    const project = await createProject(db.sql, { [owner]: 'owner' });
    const [client] = await db.sql<{ id: string }[]>`insert into clients (name) values ('K') returning id`;
    const [campaign] = await db.sql<{ id: string }[]>`
      insert into campaigns (client_id, name) values (${client!.id}, 'C') returning id`;
    await db.sql`update projects set campaign_id = ${campaign!.id} where id = ${project}`;
    await db.sql`insert into campaign_members (campaign_id, user_id, role) values (${campaign!.id}, ${campaignEditor}, 'editor')`;
    await db.sql`insert into client_members (client_id, user_id, role) values (${client!.id}, ${clientEditor}, 'editor')`;
    const watcher = connectClient(url, project, await ticketFor(owner, project));
    const viaCampaign = connectClient(url, project, await ticketFor(campaignEditor, project));
    const viaClient = connectClient(url, project, await ticketFor(clientEditor, project));
    await Promise.all([synced(watcher), synced(viaCampaign), synced(viaClient)]);
    viaCampaign.doc.getText('script').insert(0, 'campaign;');
    viaClient.doc.getText('script').insert(0, 'client;');
    await waitFor(
      () => watcher.doc.getText('script').length === 'campaign;client;'.length,
      3_000,
      'inherited edits',
    );

    const closed = (c: typeof viaCampaign) =>
      new Promise<number>((resolve) =>
        c.provider.once('connection-close', (event) => resolve(event?.code ?? 0)),
      );
    const campaignClosed = closed(viaCampaign);
    await db.sql`delete from campaign_members where campaign_id = ${campaign!.id} and user_id = ${campaignEditor}`;
    expect(await campaignClosed).toBe(CLOSE_CODES.forbidden);
    // Demoted on the client: read-only at once, still connected.
    await db.sql`update client_members set role = 'viewer' where client_id = ${client!.id} and user_id = ${clientEditor}`;
    const room = server.rooms.get(project)!;
    await waitFor(
      () => [...room.conns.values()].find((c) => c.userId === clientEditor)?.role === 'viewer',
      1_000,
      'downgrade',
    );
    // The project leaves the campaign: the client's people lose it.
    const clientClosed = closed(viaClient);
    await db.sql`update projects set campaign_id = null where id = ${project}`;
    expect(await clientClosed).toBe(CLOSE_CODES.forbidden);
    for (const c of [watcher, viaCampaign, viaClient]) c.destroy();
  });

  it('downgrades a demoted editor to read-only within a second', async () => {
    const [owner, ed] = [await createUser(db.sql), await createUser(db.sql)];
    const project = await createProject(db.sql, { [owner]: 'owner', [ed]: 'editor' });
    const watcher = connectClient(url, project, await ticketFor(owner, project));
    const client = connectClient(url, project, await ticketFor(ed, project));
    await Promise.all([synced(watcher), synced(client)]);
    client.doc.getText('script').insert(0, 'before;');
    await waitFor(() => watcher.doc.getText('script').toString() === 'before;', 3_000, 'first edit');
    const t0 = Date.now();
    await db.sql`update project_members set role = 'viewer' where project_id = ${project} and user_id = ${ed}`;
    const room = server.rooms.get(project)!;
    await waitFor(
      () => [...room.conns.values()].find((c) => c.userId === ed)?.role === 'viewer',
      1_000,
      'downgrade',
    );
    expect(Date.now() - t0).toBeLessThan(1_000);
    const dropped = server.stats.readOnlyUpdatesDropped;
    client.doc.getText('script').insert(0, 'after;');
    await waitFor(() => server.stats.readOnlyUpdatesDropped > dropped, 2_000, 'refused edit');
    expect(watcher.doc.getText('script').toString()).toBe('before;');
    expect(client.provider.wsconnected).toBe(true);
    watcher.destroy();
    client.destroy();
  });

  it('closes a connection that sends garbage, oversized or truncated messages; others keep syncing', async () => {
    const [a, b, fuzzer] = [await createUser(db.sql), await createUser(db.sql), await createUser(db.sql)];
    const project = await createProject(db.sql, { [a]: 'editor', [b]: 'editor', [fuzzer]: 'editor' });
    const ca = connectClient(url, project, await ticketFor(a, project));
    const cb = connectClient(url, project, await ticketFor(b, project));
    await Promise.all([synced(ca), synced(cb)]);
    const fuzzUrl = `${url}/${project}?ticket=${await ticketFor(fuzzer, project)}`;

    const send = (payload: Uint8Array | Buffer) =>
      closeCodeOf(fuzzUrl, (ws) => {
        ws.send(payload);
      });
    // Unknown outer message type, unknown sync subtype, truncated update.
    expect(await send(Uint8Array.of(99, 1, 2))).toBe(CLOSE_CODES.malformedMessage);
    expect(await send(Uint8Array.of(YJS_MESSAGE.sync, 7, 0))).toBe(CLOSE_CODES.malformedMessage);
    const truncated = encoding.createEncoder();
    encoding.writeVarUint(truncated, YJS_MESSAGE.sync);
    encoding.writeVarUint(truncated, 2);
    encoding.writeVarUint(truncated, 1000);
    encoding.writeUint8Array(truncated, Uint8Array.of(1, 2, 3));
    expect(await send(encoding.toUint8Array(truncated))).toBe(CLOSE_CODES.malformedMessage);
    expect(await send(Buffer.alloc(3 * 1024 * 1024, 1))).toBe(CLOSE_CODES.messageTooLarge);

    // Seeded random bytes, and truncations of a real update message.
    let seed = 42;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const real = encoding.createEncoder();
    encoding.writeVarUint(real, YJS_MESSAGE.sync);
    encoding.writeVarUint(real, 2);
    const scratch = new Y.Doc();
    scratch.getText('script').insert(0, 'scratch text');
    encoding.writeVarUint8Array(real, Y.encodeStateAsUpdate(scratch));
    const realBytes = encoding.toUint8Array(real);
    // After the fuzz payload we send a sync step 1; the server's step 2 reply proves it read the
    // payload without closing, so we close ourselves (no timers).
    const probe = encoding.createEncoder();
    encoding.writeVarUint(probe, YJS_MESSAGE.sync);
    syncProtocol.writeSyncStep1(probe, new Y.Doc());
    const probeBytes = encoding.toUint8Array(probe);
    const codes = new Set<number>();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const payload =
          i % 2 === 0
            ? Uint8Array.from({ length: 1 + Math.floor(rand() * 200) }, () => Math.floor(rand() * 256))
            : realBytes.slice(0, 3 + Math.floor(rand() * (realBytes.length - 4)));
        return new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(fuzzUrl);
          ws.on('open', () => {
            ws.send(payload);
            ws.send(probeBytes);
          });
          ws.on('message', (data: Buffer) => {
            if (data[0] === YJS_MESSAGE.sync && data[1] === syncProtocol.messageYjsSyncStep2) ws.close();
          });
          ws.on('close', (code) => {
            codes.add(code);
            resolve();
          });
          ws.on('error', reject);
        });
      }),
    );
    expect(codes.has(CLOSE_CODES.malformedMessage)).toBe(true);

    ca.doc.getText('script').insert(0, 'still alive');
    await waitFor(
      () => cb.doc.getText('script').toString().includes('still alive'),
      3_000,
      'sync after fuzz',
    );
    expect((await fetch(`${http}/healthz`)).status).toBe(200);
    ca.destroy();
    cb.destroy();
  });
});
