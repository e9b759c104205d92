import { deleteScene, insertScene, sceneEntries } from '@clapboard/screenplay';
import { loadDocument } from '@clapboard/server/documents';
import { createRedis, type Redis } from '@clapboard/server/redis';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeServer } from '../src/server';
import {
  type Client,
  connectClient,
  createProject,
  createUser,
  startServer,
  synced,
  ticketFor,
  waitFor,
  type Y,
} from './helpers';

type Op =
  | { kind: 'insert'; client: number; pos: number; text: string }
  | { kind: 'delete'; client: number; pos: number; len: number }
  | { kind: 'addScene'; client: number; pos: number; heading: string }
  | { kind: 'editScene'; client: number; pos: number; synopsis: string }
  | { kind: 'removeScene'; client: number; pos: number }
  | { kind: 'toggle'; client: number }
  | { kind: 'settle' };

const CLIENTS = 3;
const client = fc.integer({ min: 0, max: CLIENTS - 1 });
const pos = fc.nat({ max: 1000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      client,
      pos,
      text: fc.string({ minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      client,
      pos,
      len: fc.integer({ min: 1, max: 5 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('addScene' as const),
      client,
      pos,
      heading: fc.string({ maxLength: 12 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('editScene' as const),
      client,
      pos,
      synopsis: fc.string({ maxLength: 12 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeScene' as const), client, pos }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('toggle' as const), client }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'settle' as const }) },
);

/** Script and scenes as JSON with sorted keys (a Y.Map's key order depends on arrival order). */
function content(doc: Y.Doc): string {
  const scenes = sceneEntries(doc).map(({ map }) =>
    Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
  );
  return JSON.stringify({ script: doc.getText('script').toString(), scenes });
}

let sceneCounter = 0;
function apply(doc: Y.Doc, op: Op): void {
  const text = doc.getText('script');
  const scenes = sceneEntries(doc);
  if (op.kind === 'insert') text.insert(op.pos % (text.length + 1), op.text);
  else if (op.kind === 'delete' && text.length > 0) {
    const at = op.pos % text.length;
    text.delete(at, Math.min(op.len, text.length - at));
  } else if (op.kind === 'addScene') {
    insertScene(doc, op.pos % (scenes.length + 1), {
      id: `s${++sceneCounter}-${doc.clientID}`,
      heading: op.heading,
    });
  } else if (op.kind === 'editScene' && scenes.length > 0) {
    scenes[op.pos % scenes.length]!.map.set('synopsis', op.synopsis);
  } else if (op.kind === 'removeScene' && scenes.length > 0) {
    deleteScene(doc, scenes[op.pos % scenes.length]!.id);
  }
}

describe('convergence under random edits, disconnects and reconnects', () => {
  let db: TestDatabase;
  let redis: Redis;
  let server: RealtimeServer;
  let url: string;

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    redis = createRedis(redisUrl);
    // Compact often so loads go through snapshot + rows, the path most likely to lose something.
    ({ server, url } = await startServer({ sql: db.sql, redis, compactAfterUpdates: 25 }));
  });
  afterAll(async () => {
    await server.close();
    redis.disconnect();
    await db.drop();
  });

  it('every client, a fresh client and Postgres end with the same content', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 20, maxLength: 60 }), async (ops) => {
        const users = await Promise.all(Array.from({ length: CLIENTS + 1 }, () => createUser(db.sql)));
        const project = await createProject(
          db.sql,
          Object.fromEntries(users.map((u) => [u, 'editor' as const])),
        );
        const clients: Client[] = [];
        for (let i = 0; i < CLIENTS; i++)
          clients.push(connectClient(url, project, await ticketFor(users[i]!, project)));
        try {
          await Promise.all(clients.map((c) => synced(c)));
          for (const op of ops) {
            if (op.kind === 'settle') await new Promise((r) => setImmediate(r));
            else if (op.kind === 'toggle') {
              const p = clients[op.client]!.provider;
              if (p.shouldConnect) p.disconnect();
              else p.connect();
            } else apply(clients[op.client]!.doc, op);
          }
          for (const c of clients) if (!c.provider.shouldConnect) c.provider.connect();
          await Promise.all(clients.map((c) => synced(c, 10_000)));
          await waitFor(
            () => new Set(clients.map((c) => content(c.doc))).size === 1,
            10_000,
            'clients converge',
          );
          const expected = content(clients[0]!.doc);
          const fresh = connectClient(url, project, await ticketFor(users[CLIENTS]!, project));
          await synced(fresh);
          expect(content(fresh.doc)).toBe(expected);
          fresh.destroy();
          await waitFor(
            async () => {
              const { doc } = await loadDocument(db.sql, project);
              const stored = content(doc);
              doc.destroy();
              return stored === expected;
            },
            5_000,
            'Postgres holds the same content',
          );
        } finally {
          for (const c of clients) c.destroy();
        }
      }),
      { numRuns: 6, seed: 20261121, endOnFailure: true },
    );
  }, 90_000);
});
