import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { replaceScenes } from '@clapboard/screenplay';
import { SCRIPT_PARSE_DEFAULTS } from '@clapboard/server/review';
import type { ReviewSummary } from '@clapboard/shared/review';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createProject, registerUser, type TestUser } from './fixtures';
import { createHarness, type Harness } from './harness';
import { changeDocument, fountainOf, type TestScene } from './review-fixtures';

/** A Fountain script of about `bytes` characters; `tag` makes each one different (no shared cache). */
function bigScript(bytes: number, tag: string): { script: string; scenes: TestScene[] } {
  const scenes: TestScene[] = [];
  let script = '';
  for (let i = 0; script.length < bytes; i++) {
    const scene = {
      id: `s${i}`,
      heading: `INT. ROOM ${tag} ${i} - DAY`,
      dialogue: `Line ${i} of ${tag}, spoken slowly.`,
    };
    if (i < 3) scenes.push(scene);
    script += `${fountainOf([scene])}\nAda walks in and looks around the room slowly, then sits.\n\n`;
  }
  return { script, scenes };
}

describe('review of a 5 MB script does not stall the event loop', () => {
  let h: Harness;
  let owner: TestUser;
  let server: Server;
  let base: string;
  const projects: string[] = [];
  beforeAll(async () => {
    h = await createHarness({ loginRateLimit: { perIpAccount: 1000, perIp: 1000 } });
    owner = await registerUser(h, 'heavy');
    for (const tag of ['A', 'B', 'C', 'D']) {
      const p = await createProject(h, owner, `Heavy ${tag}`);
      const { script, scenes } = bigScript(5 * 1024 * 1024, tag);
      await changeDocument(h.db.sql, p.id, (doc) => {
        doc.getText('script').insert(0, script);
        replaceScenes(
          doc,
          scenes.map((s) => ({ id: s.id, heading: s.heading })),
        );
      });
      projects.push(p.id);
    }
    server = createServer(getRequestListener(h.app.fetch));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await h.close();
  });

  it('/healthz answers within 100 ms (p95) while four 5 MB scripts are reviewed at once', async () => {
    expect(SCRIPT_PARSE_DEFAULTS.inlineMaxChars).toBeLessThan(5 * 1024 * 1024);
    const review = (id: string) =>
      fetch(`${base}/api/v1/projects/${id}/review`, { headers: auth(owner.token) }).then(async (r) => {
        expect(r.status).toBe(200);
        return (await r.json()) as ReviewSummary;
      });
    // The health checker is another process, as a real one is: it times each answer from when it
    // sent the request, so any stall of the API's event loop shows up in its numbers.
    const checker = spawn(
      process.execPath,
      [
        '-e',
        `const all = []; let stop = false;
        process.stdin.on('data', () => { stop = true; });
        (async () => {
          while (!stop) {
            const t = performance.now();
            await (await fetch(process.argv[1] + '/healthz')).arrayBuffer();
            all.push(performance.now() - t);
            await new Promise((r) => setTimeout(r, 5));
          }
          all.sort((a, b) => a - b);
          process.stdout.write(JSON.stringify({ n: all.length, max: all.at(-1), p95: all[Math.floor(all.length * 0.95)] }));
        })();`,
        base,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    checker.stdout.on('data', (d) => {
      out += d;
    });
    const exited = new Promise((r) => checker.once('exit', r));
    await new Promise((r) => setTimeout(r, 300)); // it is polling
    const started = performance.now();
    const results = await Promise.all(projects.map(review));
    const took = performance.now() - started;
    checker.stdin.end('stop');
    await exited;
    const { max, n, p95 } = JSON.parse(out) as { max: number; n: number; p95: number };
    // The reviews did real work: each found its scenes' script text in its 5 MB script.
    for (const [i, r] of results.entries()) {
      const tag = 'ABCD'[i]!;
      expect(r.scenes.map((s) => s.heading)).toEqual([0, 1, 2].map((n) => `INT. ROOM ${tag} ${n} - DAY`));
    }
    expect(took).toBeGreaterThan(200); // it was heavy enough to have stalled the loop inline
    expect(n).toBeGreaterThan(10);
    // Inline parsing stalled every health check for about a second per script. Now the 95th
    // percentile is under 100 ms; the single worst answer may also carry what the machine's other
    // load and a garbage collection cost (a 2-core machine shared with other suites), so it gets
    // a wider bound that a parse on the event loop (about 1 s) still fails by far.
    expect(p95).toBeLessThan(100);
    expect(max).toBeLessThan(500);
  });
});
