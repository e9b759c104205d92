import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jobStore, publishCancel } from '@clapboard/server/jobs';
import { createLocalBlobStore } from '@clapboard/server/storage';
import type { JobOutput } from '@clapboard/shared/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, waitFor } from './support/job-harness';
import { enqueueRender, type TestProject } from './support/render-project';
import { outputOf, renderWorker, SKIMAGE, uploadAsset } from './support/render-test-kit';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-render-fail-'));
const blobDir = join(dir, 'blobs');
const store = createLocalBlobStore(blobDir);

type Row = { status: string; error: string | null; outputs: JobOutput[] };
const jobRow = (h: JobHarness, id: string) =>
  h.db.sql<Row[]>`select status, error, outputs from jobs where id = ${id}`.then((r) => r[0]!);
const ended = (h: JobHarness, id: string, timeoutMs = 120_000) =>
  waitFor(
    () => jobRow(h, id),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
    timeoutMs,
  );

/** Whether an FFmpeg of this job is encoding its shot (its scratch folder is named after the job). */
function shotEncoding(jobId: string): boolean {
  try {
    execFileSync('pgrep', ['-f', `ffmpeg.*${jobId}-.*shot(-%d)?\\.mp4`]);
    return true;
  } catch {
    return false;
  }
}

/** One long scene: its shot takes seconds to encode, long enough to cancel or crash in. */
const longScene = (id: string): TestProject => ({
  scenes: [
    {
      id,
      heading: 'EXT. DESERT - DAY',
      synopsis: 'Sand, for a long time',
      dialogue: [{ character: 'MARA', text: 'Still walking.' }],
      camera: 'zoom-in',
      durationSec: 90,
    },
  ],
});

function startWorker(h: JobHarness): ClapboardWorker {
  return renderWorker(h, store, {}, { lockDurationMs: 2_000 });
}

describe('render.video: cancel, crash and bad input', () => {
  let h: JobHarness;
  let worker: ClapboardWorker;

  beforeAll(async () => {
    h = await createJobHarness();
    worker = startWorker(h);
    await worker.ready();
  });
  afterAll(async () => {
    await worker?.close();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cancel mid-shot: FFmpeg gone within 1 s, job cancelled, no asset of the job left', async () => {
    const { jobId } = await enqueueRender(h, longScene('cancel'), { preset: { resolution: '480p' } });
    await waitFor(() => shotEncoding(jobId), Boolean, 60_000);
    await jobStore.requestCancel(h.db.sql, jobId);
    const at = Date.now();
    await publishCancel(h.redis, jobId, h.prefix);
    await waitFor(
      () => shotEncoding(jobId),
      (running) => !running,
      2_000,
    );
    expect(Date.now() - at).toBeLessThan(1_000);
    expect((await ended(h, jobId)).status).toBe('cancelled');
    const [shot] = await h.db.sql<{ status: string }[]>`
      select status from job_steps where job_id = ${jobId} and name = 'scene-0/shot'`;
    expect(shot!.status).toBe('cancelled');
    // What is left is only the outputs of steps that finished before the cancel (kept for reuse).
    const left = await h.db.sql<{ original_name: string }[]>`
      select original_name from assets where job_id = ${jobId} and deleted_at is null order by 1`;
    expect(left.map((r) => r.original_name)).toEqual(['frame-1.png', 'music.wav', 'voice-1.wav']);
  }, 90_000);

  it('a worker SIGKILLed mid-shot: another worker finishes the render, one ledger entry per step', async () => {
    await worker.close();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, 'support/render-worker-process.ts')],
      {
        env: {
          ...process.env,
          DATABASE_URL: h.db.url,
          TEST_PREFIX: h.prefix,
          TEST_SOCKET_KEY: h.socketKey,
          TEST_BLOB_DIR: blobDir,
          TEST_LOCK_MS: '2000',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise((r) => child.once('exit', r));
    let jobId: string;
    try {
      await waitFor(
        () => out,
        (o) => o.includes('worker-ready'),
        30_000,
      );
      const project = longScene('crash');
      project.scenes[0]!.durationSec = 20;
      ({ jobId } = await enqueueRender(h, project, { preset: { resolution: '480p' } }));
      await waitFor(() => shotEncoding(jobId), Boolean, 60_000);
    } finally {
      // Also when a wait above fails: a worker process left running would take later tests' jobs.
      child.kill('SIGKILL');
      await exited;
    }
    // The orphaned FFmpeg has its own process group; a real crash takes the container with it.
    // Children are tied to their worker (spawnTied: setpriv --pdeathsig): its ffmpeg dies with it.
    for (const until = Date.now() + 2_000; spawnSync('pgrep', ['-f', `ffmpeg.*${jobId}-`]).status === 0; ) {
      if (Date.now() > until) throw new Error('ffmpeg outlived its killed worker');
      await new Promise((r) => setTimeout(r, 50));
    }

    worker = startWorker(h);
    await worker.ready();
    const row = await ended(h, jobId, 120_000);
    expect(row.error).toBeNull();
    expect(row.status).toBe('completed');
    const ledger = await h.db.sql<
      { step: string }[]
    >`select step from cost_ledger where job_id = ${jobId} order by step`;
    // The music bed is the one the cancelled render already made: reused, so not charged again.
    expect(ledger.map((l) => l.step)).toEqual(['assemble', 'scene-0/frame', 'scene-0/shot', 'scene-0/voice']);
    const [music] = await h.db.sql<{ status: string }[]>`
      select status from job_steps where job_id = ${jobId} and name = 'music'`;
    expect(music!.status).toBe('reused');
    const [frame] = await h.db.sql<{ attempts: number }[]>`
      select attempts from job_steps where job_id = ${jobId} and name = 'scene-0/frame'`;
    expect(frame!.attempts).toBe(1); // finished before the crash: not redone
  }, 180_000);

  it("the same storyboard in two projects renders in both: no step reuses the other project's assets", async () => {
    const story: TestProject = {
      scenes: [
        { id: 'same', heading: 'INT. LAB - NIGHT', dialogue: [{ character: 'MARA', text: 'Again.' }] },
      ],
    };
    const preset = { preset: { resolution: '480p' } };
    const first = await ended(h, (await enqueueRender(h, story, preset)).jobId);
    expect(first.status).toBe('completed');
    const [other] = await h.db.sql<{ id: string }[]>`
      insert into projects (name, created_by) values ('Copy', ${h.userId}) returning id`;
    const { jobId } = await enqueueRender(h, story, preset, other!.id);
    const second = await ended(h, jobId);
    expect(second.error).toBeNull();
    expect(second.status).toBe('completed');
    const steps = await h.db.sql<{ status: string; outputs: JobOutput[] }[]>`
      select status, outputs from job_steps where job_id = ${jobId}`;
    expect(steps.map((s) => s.status)).not.toContain('reused');
    const ids = steps
      .flatMap((s) => s.outputs.map((o) => o.assetId))
      .filter((id): id is string => Boolean(id));
    const owners = await h.db.sql<{ project_id: string }[]>`
      select distinct project_id from assets where id in ${h.db.sql(ids)}`;
    expect(owners.map((o) => o.project_id)).toEqual([other!.id]);
  }, 120_000);

  it('a scene with no text renders as a silent shot of its duration; a missing portrait becomes a silhouette', async () => {
    const gone = await uploadAsset(h, store, join(SKIMAGE, 'astronaut.png'), 'image', 'image/png');
    await h.db.sql`update assets set deleted_at = now() where id = ${gone}`;
    const project: TestProject = {
      scenes: [
        { id: 'blank', heading: '', durationSec: 2 },
        {
          id: 'talk',
          heading: 'INT. HALL - DAY',
          dialogue: [{ character: 'MARA', text: 'Hello.' }],
          durationSec: 1,
        },
      ],
      characters: { MARA: { portraitAssetId: gone } },
      settings: { transition: 'cut' },
    };
    const preset = { preset: { resolution: '480p', aspectRatio: '9:16' } };
    const { jobId } = await enqueueRender(h, project, preset);
    const row = await ended(h, jobId);
    expect(row.error).toBeNull();
    const video = outputOf(row.outputs, 'video').value as { shots: number[]; width: number; height: number };
    expect(video.shots[0]).toBe(2);
    expect([video.width, video.height]).toEqual([480, 854]);
    const [frame] = await h.db.sql<{ outputs: JobOutput[] }[]>`
      select outputs from job_steps where job_id = ${jobId} and name = 'scene-1/frame'`;
    const silhouette = "MARA's portrait no longer exists; a silhouette stands in.";
    expect((frame!.outputs[0]!.value as { warnings: string[] }).warnings).toEqual([silhouette]);
    // The job says so too, and so does a second render that reuses that frame.
    const warningsOf = async (id: string) =>
      (await h.db.sql<{ warnings: string[] }[]>`select warnings from jobs where id = ${id}`)[0]!.warnings;
    expect(await warningsOf(jobId)).toContain(silhouette);
    const again = await enqueueRender(h, project, preset);
    expect((await ended(h, again.jobId)).status).toBe('completed');
    const [reused] = await h.db.sql<{ status: string }[]>`
      select status from job_steps where job_id = ${again.jobId} and name = 'scene-1/frame'`;
    expect(reused!.status).toBe('reused');
    expect(await warningsOf(again.jobId)).toContain(silhouette);
  }, 90_000);

  it('a 2-hour scene fails at once with the reason, without retrying', async () => {
    const { jobId } = await enqueueRender(h, {
      scenes: [{ id: 'long', heading: 'INT. LOBBY - DAY', durationSec: 7200 }],
    });
    const row = await ended(h, jobId, 30_000);
    expect(row.status).toBe('failed');
    expect(row.error).toContain(
      'Scene 1 (INT. LOBBY - DAY) lasts 7200 s; the longest scene we render is 600 s',
    );
    const attempts = await h.db.sql<
      { attempts: number }[]
    >`select attempts from job_steps where job_id = ${jobId}`;
    expect(attempts.every((a) => a.attempts === 1)).toBe(true);
  });

  it('a film past an hour that slipped past the API fails at once, naming the limit', async () => {
    const scenes = Array.from({ length: 7 }, (_, i) => ({
      id: `hour-${i}`,
      heading: `INT. ROOM ${i}`,
      durationSec: 600,
    }));
    const { jobId } = await enqueueRender(h, { scenes });
    const row = await ended(h, jobId, 30_000);
    expect(row.status).toBe('failed');
    expect(row.error).toContain('The film would run about 1 h 10 min; one render makes at most 1 h.');
  });

  it('an unsupported aspect ratio that slipped past the API fails at once, naming the field', async () => {
    const { jobId } = await enqueueRender(h, longScene('aspect'), { preset: { aspectRatio: '21:9' } });
    const row = await ended(h, jobId, 30_000);
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/Invalid render\.video parameters: .*(21:9|option)/);
  });
});
