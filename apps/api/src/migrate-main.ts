import { connectDb, migrate } from '@clapboard/server/db';
import { runMain } from '@clapboard/server/lifecycle';
import { createLogger } from '@clapboard/server/logger';
import { loadEnv } from './env';

// Applies pending migrations and exits: the Kubernetes `clapboard-migrate` Job (infra/k8s/migrate.yaml).
// The API also migrates at start (under the same advisory lock), so this only moves the wait forward.
await runMain('migrate', async () => {
  const env = loadEnv();
  const log = createLogger('migrate', { level: env.LOG_LEVEL });
  const sql = await connectDb(env.DATABASE_URL, { applicationName: 'clapboard-migrate' });
  try {
    const applied = await migrate(sql);
    log.info({ applied }, applied.length ? 'migrations applied' : 'schema up to date');
  } finally {
    await sql.end({ timeout: 5 });
  }
});
