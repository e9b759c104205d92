import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '@clapboard/server/local-services';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  connectClient,
  createProject,
  createUser,
  secret,
  storedScript,
  synced,
  ticketFor,
  waitFor,
} from './helpers';

const appDir = fileURLToPath(new URL('..', import.meta.url));

describe('crash recovery', () => {
  let db: TestDatabase;
  let child: ChildProcess | undefined;
  let port: number;

  /** Starts src/main.ts as its own process and waits until /healthz answers. */
  async function startProcess(): Promise<ChildProcess> {
    const { redisUrl } = testServices(process.env);
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: appDir,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        JWT_SECRET: secret,
        REALTIME_PORT: String(port),
        REALTIME_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`realtime exited with ${proc.exitCode}`);
        return fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
      },
      20_000,
      'realtime process up',
    );
    return proc;
  }

  beforeAll(async () => {
    db = await createTestDatabase(testServices(process.env).databaseUrl);
    port = await freePort();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await db.drop();
  });

  it('after SIGKILL and a restart on the same port, the document holds every edit every client made', async () => {
    child = await startProcess();
    const url = `ws://127.0.0.1:${port}/yjs`;
    const users = await Promise.all([0, 1, 2].map(() => createUser(db.sql)));
    const project = await createProject(db.sql, Object.fromEntries(users.map((u) => [u, 'editor' as const])));
    const clients: Client[] = [];
    for (const u of users) clients.push(connectClient(url, project, await ticketFor(u, project)));
    await Promise.all(clients.map((c) => synced(c)));

    // Each client types its own tokens every few ms, through the crash and the restart.
    const typed: string[][] = clients.map(() => []);
    let typing = true;
    const loops = clients.map(async (c, i) => {
      let n = 0;
      while (typing) {
        const token = `<${i}:${n++}>`;
        const text = c.doc.getText('script');
        text.insert(text.length, token);
        typed[i]!.push(token);
        await new Promise((r) => setTimeout(r, 5));
      }
    });

    await waitFor(() => typed.every((t) => t.length > 20), 5_000, 'typing before the crash');
    const killed = child;
    const exited = new Promise((r) => killed.once('exit', r));
    killed.kill('SIGKILL');
    await exited;
    await waitFor(() => clients.every((c) => !c.provider.wsconnected), 5_000, 'clients notice the crash');
    const typedWhileDown = typed.map((t) => t.length);
    await waitFor(
      () => typed.every((t, i) => t.length > typedWhileDown[i]! + 10),
      5_000,
      'typing while down',
    );

    child = await startProcess();
    await Promise.all(clients.map((c) => synced(c, 15_000)));
    await waitFor(
      () => typed.every((t, i) => t.length > typedWhileDown[i]! + 40),
      5_000,
      'typing after restart',
    );
    typing = false;
    await Promise.all(loops);

    const all = typed.flat();
    const final = await waitFor(
      () => {
        const texts = clients.map((c) => c.doc.getText('script').toString());
        return new Set(texts).size === 1 && all.every((t) => texts[0]!.includes(t)) ? texts[0] : undefined;
      },
      10_000,
      'clients converge with every token',
    );
    await waitFor(
      async () => (await storedScript(db.sql, project)) === final,
      5_000,
      'Postgres holds it all',
    );
    for (const c of clients) c.destroy();
    expect(all.length).toBeGreaterThan(150);
  });
});
