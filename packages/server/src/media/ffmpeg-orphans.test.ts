import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canTieToParent } from '@clapboard/server/spawn-tied';
import { describe, expect, it } from 'vitest';

/** Pids of processes whose parent is `ppid` and whose command name is `comm`, from /proc. */
function childrenOf(ppid: number, comm: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'.
      const commOf = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === ppid && commOf === comm) pids.push(Number(name));
    } catch {}
  }
  return pids;
}

function isAlive(pid: number): boolean {
  try {
    // A zombie still answers kill(0); it has died, it just has not been reaped.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

const waitUntil = async (what: string, ok: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('FFmpeg dies with its worker', () => {
  it('SIGKILL of the process running runFfmpeg takes FFmpeg down within a second', async () => {
    expect(canTieToParent()).toBe(true);
    const ffmpegModule = fileURLToPath(new URL('./ffmpeg.ts', import.meta.url));
    // A real Node process running the worker's own runFfmpeg on a minute of slow (real-time) work.
    const script = `
      import { runFfmpeg } from ${JSON.stringify(ffmpegModule)};
      runFfmpeg(['-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '60', '-f', 'null', '-'])
        .catch((e) => { console.error(e); process.exit(1); });
      setInterval(() => {}, 1000);`;
    const worker = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const workerPid = worker.pid as number;
    let ffmpegPid = 0;
    await waitUntil(
      'ffmpeg to start',
      () => {
        ffmpegPid = childrenOf(workerPid, 'ffmpeg')[0] ?? 0;
        return ffmpegPid > 0;
      },
      20_000,
    );
    // Running, and in its own process group (so a cancel's kill(-pid) reaches it).
    expect(isAlive(ffmpegPid)).toBe(true);
    const killedAt = Date.now();
    process.kill(workerPid, 'SIGKILL');
    try {
      await waitUntil('ffmpeg to die', () => !isAlive(ffmpegPid), 1_000);
      expect(Date.now() - killedAt).toBeLessThan(1_000);
    } finally {
      // If it failed, do not leave the orphan running for a minute.
      if (isAlive(ffmpegPid)) process.kill(ffmpegPid, 'SIGKILL');
    }
  });
});
