/**
 * The durability probe of `bench:collab`, in its own process so the bench's saturated event loop
 * does not delay the moment a row is seen (it would otherwise be counted as durability lag).
 * Queries `doc_updates` on every commit that inserted into it (a statement trigger this probe adds to
 * the bench's database sends a NOTIFY, which Postgres delivers at commit), and every IDLE_POLL_MS
 * regardless, for rows above the highest id seen plus the ids below it not seen yet (gaps: ids are
 * not committed in order with several instances, and an insert skipped as
 * already stored uses one up; a gap is given up after GAP_MS), reads only each update's header, and
 * sends its parent batches of `[client:clock of the first struct, epoch ms when seen]`.
 *
 * argv: DATABASE_URL, the highest id before the run. Stops on the message 'stop'.
 */
import { connectDb } from '@clapboard/server/db';
import { firstStruct } from './collab-client';

const GAP_MS = 500;
/** Without a notification, look anyway this often (gaps that expire, a lost notification). */
const IDLE_POLL_MS = 50;
const NOTIFY_CHANNEL = 'bench_doc_updates';

const [url, startId] = process.argv.slice(2);
const sql = await connectDb(url!, { applicationName: 'bench-durability-probe', max: 1 });
// postgres.js prepares the poll; after five runs Postgres may switch to a generic plan, which
// estimates `id > $1` as a third of the table and scans all of it (0.8 ms a poll, measured with
// pg_stat_statements: 2.5× the Postgres time of the server's own inserts). A custom plan per poll
// walks the primary key from the last id seen.
await sql`set plan_cache_mode = force_custom_plan`;
// Polling every ~2 ms (as this probe first did) woke Postgres ~400 times a second on the cores the
// server under test needs; a notification per committed insert costs one wake-up per batch.
await sql.unsafe(`
  create or replace function bench_probe_notify() returns trigger language plpgsql as $$
  begin perform pg_notify('${NOTIFY_CHANNEL}', ''); return null; end $$`);
await sql.unsafe('drop trigger if exists bench_probe_notify on doc_updates');
await sql.unsafe(
  'create trigger bench_probe_notify after insert on doc_updates for each statement execute function bench_probe_notify()',
);
let dirty = true;
let wake: (() => void) | undefined;
const woken = () => {
  dirty = true;
  wake?.();
};
await sql.listen(NOTIFY_CHANNEL, woken);
let lastId = Number(startId);
const gaps = new Map<number, number>();
let stopping = false;
process.on('message', (m) => {
  if (m === 'stop') {
    stopping = true;
    wake?.();
  }
});
const send = (batch: Array<[string, number]>) =>
  new Promise<void>((resolve, reject) =>
    process.send!(batch, (err: Error | null) => (err ? reject(err) : resolve())),
  );

while (!stopping) {
  if (!dirty) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, IDLE_POLL_MS);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = undefined;
  }
  dirty = false;
  // Two index lookups (an `or` of both would make Postgres scan the whole table).
  const rows = await sql<{ id: string; head: Buffer }[]>`
    (select id, substring(update from 1 for 24) as head from doc_updates where id > ${lastId})
    union all
    (select id, substring(update from 1 for 24) as head from doc_updates
      where id = any(${[...gaps.keys()]}::bigint[]))
    order by id limit 20000`;
  const now = performance.now();
  const seenAt = performance.timeOrigin + now;
  const batch: Array<[string, number]> = [];
  for (const row of rows) {
    const id = Number(row.id);
    if (id > lastId) {
      for (let gap = lastId + 1; gap < id; gap++) gaps.set(gap, now);
      lastId = id;
    } else gaps.delete(id);
    const struct = firstStruct(row.head);
    if (struct) batch.push([`${struct.client}:${struct.clock}`, seenAt]);
  }
  for (const [gap, since] of gaps) if (now - since > GAP_MS) gaps.delete(gap);
  if (batch.length > 0) await send(batch);
}
await sql.end({ timeout: 1 });
process.exit(0);
