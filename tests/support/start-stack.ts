import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@clapboard/server/local-services';
import { createTestDatabase, testServices } from '@clapboard/server/testing';
import { buildWebIfStale } from '../../infra/local/build-web';
import { type RunningServices, startServices } from './service-processes';

export interface Stack {
  /** Where the browser opens the app (the API serving the built web app). */
  baseUrl: string;
  realtimeUrl: string;
  /** The stack's own database, and its data folder (the local blob store is `<dataDir>/blobs`). */
  databaseUrl: string;
  dataDir: string;
  /** Everything the three apps printed, for failure messages. */
  output(): string;
  /**
   * Starts one more worker process on the same database, Redis prefix and secret, with `env` on
   * top (e.g. a provider's URL), and waits until it is ready. Stopped by `close()`.
   */
  startWorker(env: NodeJS.ProcessEnv): Promise<RunningServices>;
  close(): Promise<void>;
}

/**
 * The whole studio for browser tests: api, realtime and worker processes (startServices) against
 * a fresh database and a Redis prefix of their own, the API serving a copy of the built web app
 * whose `<meta name="clapboard-realtime">` points at this realtime port, as a deployment would.
 *
 * @param options.env extra environment for the three apps (e.g. `FESTIVAL_BIN` pointing nowhere)
 */
export async function startStack(options: { env?: NodeJS.ProcessEnv } = {}): Promise<Stack> {
  const services = testServices(process.env);
  const db = await createTestDatabase(services.databaseUrl);
  const dataDir = mkdtempSync(join(tmpdir(), 'clapboard-e2e-'));
  const ports = { api: await freePort(), realtime: await freePort() };
  const realtimeUrl = `http://127.0.0.1:${ports.realtime}`;

  const webDist = join(dataDir, 'web');
  cpSync(await buildWebIfStale(() => {}), webDist, { recursive: true });
  const index = join(webDist, 'index.html');
  writeFileSync(
    index,
    readFileSync(index, 'utf8').replace(
      '</head>',
      `<meta name="clapboard-realtime" content="${realtimeUrl}" />\n</head>`,
    ),
  );

  const cleanup = async () => {
    await db.drop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const svc = await startServices({
      databaseUrl: db.url,
      redisUrl: services.redisUrl,
      dataDir,
      ports,
      env: { WEB_DIST: webDist, WORKER_DEVICE: 'cpu', NODE_ENV: 'test', ...options.env },
    });
    const extra: RunningServices[] = [];
    return {
      baseUrl: svc.apiUrl,
      realtimeUrl,
      databaseUrl: db.url,
      dataDir,
      output: () => [svc.output(), ...extra.map((w) => w.output())].join('\n'),
      async startWorker(env) {
        // Everything the stack's services share, but a port of its own.
        const { WORKER_PORT: _, ...shared } = svc.env;
        const worker = await startServices({
          databaseUrl: db.url,
          redisUrl: services.redisUrl,
          dataDir,
          only: ['worker'],
          env: { ...shared, ...env },
        });
        extra.push(worker);
        return worker;
      },
      close: async () => {
        await Promise.all(extra.map((w) => w.stop()));
        await svc.stop();
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
