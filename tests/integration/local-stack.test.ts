import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isPortOpen } from '@clapboard/server/local-services';
import { testServices } from '@clapboard/server/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, spawnLauncher } from '../support/spawn-launcher';

const dataDir = mkdtempSync(join(tmpdir(), 'clapboard-stack-'));
// As root, the embedded Postgres runs as user 'postgres', which must be able to enter DATA_DIR.
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of the child of `parent` whose command line contains `entry`, from /proc. */
function childPidRunning(parent: number, entry: string): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(entry))
        return Number(name);
    } catch {}
  }
  throw new Error(`no child of ${parent} runs ${entry}`);
}

describe('npm start on a machine with no DATABASE_URL or REDIS_URL', () => {
  it('starts embedded Postgres, redis-server and all four apps, renders the demo with voices, then stops everything on Ctrl-C', async () => {
    const [api, realtime, worker] = [await freePort(), await freePort(), await freePort()];
    const launched = spawnLauncher({
      ...cleanEnv(),
      DATA_DIR: dataDir,
      API_PORT: String(api),
      REALTIME_PORT: String(realtime),
      WORKER_PORT: String(worker),
      LOG_FORMAT: 'json',
    });
    await launched.waitFor(/Clapboard is running: (http:\/\/\S+)/, 110_000);
    expect(launched.output()).toContain('demo login: demo@clapboard.local');

    const health = await fetch(`http://127.0.0.1:${api}/healthz`);
    expect(health.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${api}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${realtime}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${worker}/readyz`)).status).toBe(200);
    // The printed URL serves the web app shell, and deep links fall back to it.
    for (const path of ['/', '/projects/some-id/script']) {
      const page = await fetch(`http://127.0.0.1:${api}${path}`);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('<div id="root"></div>');
    }

    // The printed demo login works and sees the demo project.
    const login = await fetch(`http://127.0.0.1:${api}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'demo@clapboard.local', password: 'clapboard-demo' }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const authed = { authorization: `Bearer ${accessToken}` };
    const projects = (await (
      await fetch(`http://127.0.0.1:${api}/api/v1/projects`, { headers: authed })
    ).json()) as { items: Array<{ id: string; name: string; role: string }> };
    // The demo film, and the agency demo's campaign project (a brief waiting for its storyboard).
    expect(projects.items.map((p) => [p.name, p.role]).sort()).toEqual([
      ['Spring spot (demo)', 'owner'],
      ['The Lighthouse Keeper (demo)', 'owner'],
    ]);
    const film = projects.items.find((p) => p.name === 'The Lighthouse Keeper (demo)')!;

    // The studio renders the demo storyboard (3 scenes, 19 s) to a video with voices, on this
    // machine's worker, with nothing but what npm start set up.
    const submit = await fetch(`http://127.0.0.1:${api}/api/v1/projects/${film.id}/jobs`, {
      method: 'POST',
      headers: { ...authed, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'render.video', params: { preset: { resolution: '480p' } } }),
    });
    expect(submit.status, await submit.clone().text()).toBe(202);
    const { job } = (await submit.json()) as { job: { id: string } };
    type JobView = {
      status: string;
      error?: string;
      warnings: string[];
      outputs: Array<{ name: string; assetId?: string }>;
      steps: Array<{ name: string; outputs: Array<{ value?: { lines?: Array<{ voice: string }> } }> }>;
    };
    let done: JobView | undefined;
    const deadline = Date.now() + 240_000;
    while (!done) {
      const view = (await (
        await fetch(`http://127.0.0.1:${api}/api/v1/jobs/${job.id}`, { headers: authed })
      ).json()) as JobView;
      if (['completed', 'failed', 'cancelled'].includes(view.status)) done = view;
      else if (Date.now() > deadline) throw new Error(`render still ${view.status} after 240 s`);
      else await new Promise((r) => setTimeout(r, 500));
    }
    expect(done.status, done.error).toBe('completed');
    const assetId = done.outputs.find((o) => o.name === 'video')?.assetId;
    expect(assetId).toBeDefined();
    const asset = (await (
      await fetch(`http://127.0.0.1:${api}/api/v1/assets/${assetId}`, { headers: authed })
    ).json()) as { urls: { content: string } };
    const video = join(dataDir, 'demo-render.mp4');
    const bytes = await fetch(new URL(asset.urls.content, `http://127.0.0.1:${api}`));
    expect(bytes.status).toBe(200);
    writeFileSync(video, Buffer.from(await bytes.arrayBuffer()));
    const probe = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', video], {
        encoding: 'utf8',
      }),
    ) as { streams: Array<{ codec_type: string }>; format: { duration: string } };
    expect(probe.streams.map((st) => st.codec_type).sort()).toEqual(['audio', 'video']);
    expect(Number(probe.format.duration)).toBeGreaterThan(15);
    // The dialogue was voiced (each voice step spoke its lines), and the soundtrack is far above silence.
    const spoken = done.steps
      .filter((st) => st.name.endsWith('/voice'))
      .flatMap((st) => st.outputs.flatMap((o) => o.value?.lines ?? []));
    expect(spoken.length).toBeGreaterThan(0);
    // …in the bundled voices themselves: npm start installed their engines, so nothing fell back.
    expect(done.warnings.filter((w) => /unavailable on this worker/.test(w))).toEqual([]);
    const volume = spawnSync(
      'ffmpeg',
      ['-hide_banner', '-i', video, '-af', 'volumedetect', '-f', 'null', '-'],
      {
        encoding: 'utf8',
      },
    );
    const mean = Number(/mean_volume: (-?[\d.]+) dB/.exec(volume.stderr)?.[1]);
    expect(mean).toBeGreaterThan(-40);
    // A crashed service is restarted while the others keep serving (issue #17).
    const realtimePid = childPidRunning(launched.child.pid!, 'apps/realtime/src/main.ts');
    process.kill(realtimePid, 'SIGKILL');
    await launched.waitFor(/realtime exited \(SIGKILL\); restarting it in/, 10_000);
    expect((await fetch(`http://127.0.0.1:${api}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${worker}/healthz`)).status).toBe(200);
    const restartDeadline = Date.now() + 60_000;
    while (
      (await fetch(`http://127.0.0.1:${realtime}/readyz`).then(
        (r) => r.status,
        () => 0,
      )) !== 200
    ) {
      if (Date.now() > restartDeadline) throw new Error(`realtime did not come back:\n${launched.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(childPidRunning(launched.child.pid!, 'apps/realtime/src/main.ts')).not.toBe(realtimePid);

    const pgPid = Number(readFileSync(join(dataDir, 'postgres/data/postmaster.pid'), 'utf8').split('\n')[0]);
    expect(pidAlive(pgPid)).toBe(true);
    const appPids = launched.child.pid!;

    launched.child.kill('SIGINT');
    expect(await launched.exited()).toBe(0);
    // One Ctrl-C: every service shut down once, gracefully, none forced by a second signal.
    const out = launched.output();
    expect(out).not.toContain('second signal');
    for (const service of ['api', 'realtime', 'gpu-worker'])
      expect(out.match(new RegExp(`"service":"${service}"[^\\n]*"msg":"shutting down"`, 'g'))).toHaveLength(
        1,
      );
    // Nothing left behind: no app port open, Postgres gone.
    for (const port of [api, realtime, worker]) expect(await isPortOpen(port)).toBe(false);
    expect(pidAlive(pgPid)).toBe(false);
    expect(existsSync(join(dataDir, 'postgres/data/postmaster.pid'))).toBe(false);
    expect(pidAlive(appPids)).toBe(false);
  }, 420_000);
});

describe('bad configuration ends start-up with one clear line', () => {
  it('a malformed DATABASE_URL names the variable and the fix', async () => {
    const launched = spawnLauncher({ ...cleanEnv(), DATA_DIR: dataDir, DATABASE_URL: 'mysql//oops' });
    expect(await launched.exited()).toBe(1);
    const out = launched.output().trim();
    expect(out).toMatch(
      /^\[clapboard\] Invalid configuration: DATABASE_URL must look like postgres:\/\/user:password@host:5432\/database/,
    );
    expect(out.split('\n')).toHaveLength(1);
  });

  it('an unreachable REDIS_URL says so and how to fix it, without a stack trace', async () => {
    const { databaseUrl } = testServices(process.env);
    const dead = await freePort();
    const launched = spawnLauncher({
      ...cleanEnv(),
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      REDIS_URL: `redis://127.0.0.1:${dead}`,
      API_PORT: String(await freePort()),
      REALTIME_PORT: String(await freePort()),
      WORKER_PORT: String(await freePort()),
    });
    expect(await launched.exited()).toBe(1);
    const out = launched.output();
    expect(out).toMatch(
      new RegExp(`Cannot reach Redis at REDIS_URL=redis://127.0.0.1:${dead}.*unset REDIS_URL`),
    );
    expect(out).not.toMatch(/\n\s+at /);
  });

  it('a taken port names API_PORT', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((r) =>
      blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)),
    );
    try {
      const launched = spawnLauncher({ ...cleanEnv(), DATA_DIR: dataDir, API_PORT: String(port) });
      expect(await launched.exited()).toBe(1);
      expect(launched.output().trim()).toBe(
        `[clapboard] Port ${port} (api) is already in use: set API_PORT to a free port, or stop what is using it (lsof -i :${port}).`,
      );
    } finally {
      blocker.close();
    }
  });
});
