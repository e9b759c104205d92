import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@clapboard/server/local-services';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Supervisor, supervise } from './supervisor';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-supervisor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A tiny real service: an HTTP server answering its name; on SIGTERM it "drains" for 200 ms,
 * writes a marker file and exits 0 (or, with IGNORE_TERM, ignores SIGTERM as a stuck service would).
 */
const SERVICE = `
  const http = require('node:http');
  const fs = require('node:fs');
  if (process.env.EXIT_AT_ONCE) process.exit(3);
  const server = http.createServer((_q, r) => r.end(process.env.NAME)).listen(Number(process.env.PORT), '127.0.0.1');
  process.on('SIGTERM', () => {
    if (process.env.IGNORE_TERM) return;
    setTimeout(() => { fs.writeFileSync(process.env.MARK, 'drained'); server.close(); process.exit(0); }, 200);
  });`;

const service = (name: string, port: number, extra: NodeJS.ProcessEnv = {}) => ({
  name,
  command: process.execPath,
  args: ['-e', SERVICE],
  env: { ...process.env, NAME: name, PORT: String(port), MARK: join(dir, `${name}.drained`), ...extra },
});

const answer = (port: number) =>
  fetch(`http://127.0.0.1:${port}/`).then(
    (r) => r.text(),
    () => null,
  );

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The process group of a pid, from /proc. */
const pgrp = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
};

describe('supervisor (real child processes)', () => {
  let sup: Supervisor | undefined;
  const said: string[] = [];
  afterEach(async () => {
    sup?.force();
    await sup?.stop();
    said.length = 0;
  });

  it('restarts a killed service while the others keep serving, and says so', async () => {
    const ports = { a: await freePort(), b: await freePort(), c: await freePort() };
    sup = supervise(
      (['a', 'b', 'c'] as const).map((n) => service(n, ports[n])),
      (l) => said.push(l),
      { restartInitialMs: 1_000 },
    );
    await waitFor(
      'all up',
      async () =>
        (await answer(ports.a)) === 'a' && (await answer(ports.b)) === 'b' && (await answer(ports.c)) === 'c',
    );
    // Own process groups: a terminal's Ctrl-C does not reach them behind the supervisor's back.
    const bPid = sup.child('b')!.pid!;
    expect(pgrp(bPid)).toBe(bPid);
    expect(pgrp(bPid)).not.toBe(pgrp(process.pid));

    process.kill(bPid, 'SIGKILL');
    await waitFor('b down', async () => (await answer(ports.b)) === null);
    // While b waits for its restart, a and c answer.
    expect([await answer(ports.a), await answer(ports.c)]).toEqual(['a', 'c']);
    await waitFor('b back', async () => (await answer(ports.b)) === 'b');
    expect(sup.child('b')!.pid).not.toBe(bPid);
    expect(sup.restarts('b')).toBe(1);
    expect(said.join('\n')).toMatch(/b exited \(SIGKILL\); restarting it in 1\.0 s/);
    expect([await answer(ports.a), await answer(ports.c)]).toEqual(['a', 'c']);
  });

  it('backs off a service that keeps crashing: 0.1 s, 0.2 s, 0.4 s…', async () => {
    sup = supervise([service('crashy', await freePort(), { EXIT_AT_ONCE: '1' })], (l) => said.push(l), {
      restartInitialMs: 100,
    });
    await waitFor('three restarts', () => said.length >= 4);
    const waits = said.map((l) => /restarting it in ([\d.]+) s/.exec(l)?.[1]);
    expect(waits.slice(0, 4)).toEqual(['0.1', '0.2', '0.4', '0.8']);
    expect(said[0]).toMatch(/crashy exited \(code 3\)/);
  });

  it('a graceful stop lets every service finish its shutdown, and nothing restarts', async () => {
    const ports = { x: await freePort(), y: await freePort() };
    sup = supervise(
      (['x', 'y'] as const).map((n) => service(n, ports[n])),
      (l) => said.push(l),
    );
    await waitFor('up', async () => (await answer(ports.x)) === 'x' && (await answer(ports.y)) === 'y');
    await sup.stop();
    expect(existsSync(join(dir, 'x.drained')) && existsSync(join(dir, 'y.drained'))).toBe(true);
    expect([sup.child('x'), sup.child('y')]).toEqual([undefined, undefined]);
    expect(said.filter((l) => l.includes('restarting'))).toEqual([]);
  });

  it('force (the second Ctrl-C) kills a service stuck in its shutdown at once', async () => {
    const port = await freePort();
    sup = supervise([service('stuck', port, { IGNORE_TERM: '1' })], (l) => said.push(l), { graceMs: 60_000 });
    await waitFor('up', async () => (await answer(port)) === 'stuck');
    const stopped = sup.stop();
    await new Promise((r) => setTimeout(r, 300));
    expect(await answer(port)).toBe('stuck'); // still there: it ignored SIGTERM
    const t = Date.now();
    sup.force();
    await stopped;
    expect(Date.now() - t).toBeLessThan(5_000);
    expect(await answer(port)).toBeNull();
  });
});
