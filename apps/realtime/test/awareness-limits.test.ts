import type { Redis } from '@clapboard/server/redis';
import { createRedis } from '@clapboard/server/redis';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import { AWARENESS_LIMITS } from '@clapboard/shared/document';
import { CLOSE_CODES, YJS_MESSAGE } from '@clapboard/shared/protocol';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RealtimeServer } from '../src/server';
import { connectClient, createProject, createUser, startServer, synced, ticketFor, waitFor } from './helpers';

/** One awareness message as y-protocols encodes it: entries of client id, clock and JSON state. */
function awarenessMessage(entries: { id: number; clock: number; state: unknown }[]): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(update, e.id);
    encoding.writeVarUint(update, e.clock);
    encoding.writeVarString(update, JSON.stringify(e.state));
  }
  const message = encoding.createEncoder();
  encoding.writeVarUint(message, YJS_MESSAGE.awareness);
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
  return encoding.toUint8Array(message);
}

function openRaw(url: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('open', () => resolve({ ws, closed }));
    ws.on('error', reject);
  });
}

describe('awareness limits', () => {
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

  it('a viewer flooding presence is cut off with awarenessFlood; listeners stay connected', async () => {
    const [ed, viewer] = [await createUser(db.sql), await createUser(db.sql)];
    const project = await createProject(db.sql, { [ed]: 'editor', [viewer]: 'viewer' });
    const listener = connectClient(url, project, await ticketFor(ed, project));
    await synced(listener);
    let received = 0;
    listener.provider.awareness.on('change', () => received++);

    // Too frequent: small updates as fast as the socket takes them.
    const fast = await openRaw(`${url}/${project}?ticket=${await ticketFor(viewer, project, 'viewer')}`);
    const id = 900_001;
    for (let clock = 1; clock <= AWARENESS_LIMITS.burst * 5; clock++)
      fast.ws.send(awarenessMessage([{ id, clock, state: { user: { name: `v${clock}` } } }]));
    expect(await fast.closed).toBe(CLOSE_CODES.awarenessFlood);
    // What got relayed before the cut is bounded by the burst, not by what was sent.
    expect(received).toBeLessThanOrEqual(AWARENESS_LIMITS.burst + 1);

    // Too large: one update over the byte limit.
    const big = await openRaw(`${url}/${project}?ticket=${await ticketFor(viewer, project, 'viewer')}`);
    const blob = 'x'.repeat(AWARENESS_LIMITS.maxUpdateBytes);
    big.ws.send(awarenessMessage([{ id: 900_002, clock: 1, state: { blob } }]));
    expect(await big.closed).toBe(CLOSE_CODES.awarenessFlood);

    expect(listener.provider.wsconnected).toBe(true);
    // The flooder's presence left with it.
    await waitFor(() => !listener.provider.awareness.getStates().has(id), 2_000, 'flooder presence removed');
    listener.destroy();
  });

  it('an honest provider updating its cursor quickly is not cut off', async () => {
    const [ed] = [await createUser(db.sql)];
    const project = await createProject(db.sql, { [ed]: 'editor' });
    const c = connectClient(url, project, await ticketFor(ed, project));
    await synced(c);
    // Typing at a fast 15 selection changes per second for two seconds.
    for (let i = 0; i < 30; i++) {
      c.provider.awareness.setLocalStateField('cursor', { index: i });
      await new Promise((r) => setTimeout(r, 66));
    }
    expect(c.provider.wsconnected).toBe(true);
    c.destroy();
  });

  it("a member cannot overwrite or erase another member's presence entry", async () => {
    const [ada, mallory, obs] = [
      await createUser(db.sql),
      await createUser(db.sql),
      await createUser(db.sql),
    ];
    const project = await createProject(db.sql, { [ada]: 'editor', [mallory]: 'viewer', [obs]: 'viewer' });
    const a = connectClient(url, project, await ticketFor(ada, project));
    const observer = connectClient(url, project, await ticketFor(obs, project, 'viewer'));
    await Promise.all([synced(a), synced(observer)]);
    a.provider.awareness.setLocalStateField('user', { name: 'Ada' });
    const adaId = a.doc.clientID;
    const nameSeen = () =>
      (observer.provider.awareness.getStates().get(adaId) as { user?: { name?: string } } | undefined)?.user
        ?.name;
    await waitFor(() => nameSeen() === 'Ada', 2_000, "Ada's presence");

    const m = await openRaw(`${url}/${project}?ticket=${await ticketFor(mallory, project, 'viewer')}`);
    // Overwrite with a far newer clock, then erase (state null), then her own honest entry.
    m.ws.send(awarenessMessage([{ id: adaId, clock: 1_000, state: { user: { name: 'Mallory' } } }]));
    m.ws.send(awarenessMessage([{ id: adaId, clock: 2_000, state: null }]));
    const malloryId = 900_100;
    m.ws.send(awarenessMessage([{ id: malloryId, clock: 1, state: { user: { name: 'M' } } }]));
    // Messages are handled in order: once her own entry arrives, the forged ones were handled.
    await waitFor(() => observer.provider.awareness.getStates().has(malloryId), 2_000, "Mallory's own entry");
    expect(nameSeen()).toBe('Ada');
    expect(server.stats.awarenessForeignDropped).toBeGreaterThanOrEqual(2);

    // Nor can she take more client ids than a provider needs.
    m.ws.send(
      awarenessMessage([
        { id: 900_101, clock: 1, state: { user: { name: 'M2' } } },
        { id: 900_102, clock: 1, state: { user: { name: 'M3' } } },
      ]),
    );
    m.ws.send(awarenessMessage([{ id: malloryId, clock: 2, state: { user: { name: 'M again' } } }]));
    await waitFor(
      () =>
        (observer.provider.awareness.getStates().get(malloryId) as { user?: { name?: string } })?.user
          ?.name === 'M again',
      2_000,
      'Mallory update',
    );
    expect(observer.provider.awareness.getStates().has(900_102)).toBe(false);
    m.ws.close();
    a.destroy();
    observer.destroy();
  });
});
