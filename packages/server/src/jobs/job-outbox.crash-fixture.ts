/**
 * A dispatcher that dies: runs one outbox pass and SIGKILLs its own process right after it claimed
 * its rows (`claimed`) or right after it added their flows (`enqueued`), before anything is cleared
 * or committed. Used by job-outbox.integration.test.ts.
 *
 * argv: DATABASE_URL, REDIS_URL, BullMQ prefix, claimed | enqueued, rows per pass
 */
import { connectDb } from '../db/connect-db';
import { createRedis } from '../redis';
import { dispatchOutbox } from './job-outbox';
import { createJobQueues } from './job-queues';

const [databaseUrl, redisUrl, prefix, crashAt, limit] = process.argv.slice(2);
const sql = await connectDb(databaseUrl!);
const redis = createRedis(redisUrl!);
const queues = createJobQueues(redis, prefix);
const die = () => {
  process.kill(process.pid, 'SIGKILL');
};
await dispatchOutbox(sql, queues, {
  graceMs: 0,
  limit: Number(limit),
  afterClaim: crashAt === 'claimed' ? die : undefined,
  afterEnqueue: crashAt === 'enqueued' ? die : undefined,
});
// Reaching this line means the crash point was never hit: the test fails on the exit code.
process.exit(3);
