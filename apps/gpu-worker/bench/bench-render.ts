// npm run bench:render — a 60-second, 10-scene 720p render on this machine: full render, re-render
// after one scene changes, and the floor (FFmpeg re-encoding the finished frames and audio with the
// same settings and nothing else). Needs DATABASE_URL and REDIS_URL (as `npm test` provides).
// BENCH_ROUNDS=n sets the rounds (default 3); BENCH_PROFILE=1 logs the assembly's phases and the
// re-render's step timeline (BENCH_PROFILE=full or longer: the full render's or the longer line's).

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetLearnedWork } from '@clapboard/server/jobs';
import { createLogger } from '@clapboard/server/logger';
import { ffprobe, h264Args, runFfmpeg } from '@clapboard/server/media';
import { createLocalBlobStore } from '@clapboard/server/storage';
import type { JobOutput } from '@clapboard/shared/jobs';
import { writeBenchSection } from '../../../infra/bench/report';
import { RENDER_QUALITY } from '../src/pipelines/render';
import { AAC_ARGS } from '../src/pipelines/render/mix-soundtrack';
import { createJobHarness, type JobHarness, waitFor } from '../test/support/job-harness';
import { enqueueRender, type TestProject } from '../test/support/render-project';
import { assetToFile, renderWorker, SKIMAGE, uploadAsset } from '../test/support/render-test-kit';

const CAMERAS = ['static', 'pan-left', 'zoom-in', 'tilt-up', 'pan-right', 'zoom-out', 'tilt-down'];
const LINES = [
  'The ferry is late again.',
  'It always is on Sundays.',
  'Did you bring the map?',
  'I thought you had it.',
  'Then we walk.',
  'Look at the lights over the water.',
  'We should have left earlier.',
  'Nobody waits for us here.',
  'Keep your voice down.',
  'Home, at last.',
];

/** Scene 5's line in the two re-renders: the same length of shot, and one that outgrows 6.5 s. */
const CHANGES = {
  none: null,
  line: 'Then we walk, all the way.',
  longer:
    'Then we walk, all the way to the lighthouse at the end of the pier, and we do not stop until the fog lifts and the first boats come home.',
} as const;

function project(portrait: string, change: keyof typeof CHANGES = 'none'): TestProject {
  return {
    scenes: LINES.map((line, i) => ({
      id: `scene-${i}`,
      heading: `${i % 2 ? 'INT. CABIN' : 'EXT. HARBOUR'} - ${i < 5 ? 'DAY' : 'NIGHT'}`,
      synopsis: `Beat ${i + 1}: the crossing`,
      dialogue: [
        {
          character: i % 2 ? 'JONAS' : 'MARA',
          text: (i === 4 && CHANGES[change]) || line,
        },
      ],
      shot: (['wide', 'medium', 'close'] as const)[i % 3],
      camera: CAMERAS[i % CAMERAS.length],
      durationSec: 6.5,
    })),
    characters: { MARA: { portraitAssetId: portrait }, JONAS: {} },
  };
}

async function timedRender(
  h: JobHarness,
  p: TestProject,
  projectId = h.projectId,
): Promise<{ seconds: number; outputs: JobOutput[]; jobId: string }> {
  const started = performance.now();
  const { jobId } = await enqueueRender(
    h,
    p,
    { preset: { resolution: '720p', aspectRatio: '16:9' } },
    projectId,
  );
  const row = await waitFor(
    () =>
      h.db.sql<
        { status: string; error: string | null; outputs: JobOutput[] }[]
      >`select status, error, outputs from jobs where id = ${jobId}`.then((r) => r[0]!),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
    600_000,
  );
  if (row.status !== 'completed') throw new Error(`render ${row.status}: ${row.error}`);
  return { seconds: (performance.now() - started) / 1000, outputs: row.outputs, jobId };
}

/** A job's estimate (what the API would charge up front) and what its steps were charged. */
interface Priced {
  est: number;
  actual: number;
  estSec: number;
  actualSec: number;
}

interface Round {
  /** Cold (catalog model), warm (a fresh project's full render after one measured render), re-renders. */
  priced: { cold: Priced; warm: Priced; again: Priced; longer: Priced };
  full: number;
  again: number;
  longer: number;
  longerReused: number;
  longerSec: number;
  spansReused: number;
  longerSpansReused: number;
  loudnessShift: number;
  floor: number;
  duration: number;
  reused: number;
  load: string;
}

/** One measurement: a fresh database (cold step cache), a full render, a re-render, the floor. */
async function round(): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-bench-render-'));
  const store = createLocalBlobStore(join(dir, 'blobs'));
  const h = await createJobHarness();
  const worker = renderWorker(
    h,
    store,
    {},
    {
      log: createLogger('bench-render', { level: process.env.BENCH_PROFILE ? 'info' : 'warn' }),
    },
  );
  try {
    await worker.ready();
    const loadBefore = loadavg()[0]!.toFixed(1);
    const portrait = await uploadAsset(h, store, join(SKIMAGE, 'astronaut.png'), 'image', 'image/png');
    const full = await timedRender(h, project(portrait));
    const again = await timedRender(h, project(portrait, 'line'));
    const longer = await timedRender(h, project(portrait, 'longer'));
    if (process.env.BENCH_PROFILE) {
      // Where a re-render spends its time: each step's start and end, relative to the job's creation.
      const steps = await h.db.sql<{ name: string; status: string; s: number; e: number }[]>`
        select st.name, st.status,
          extract(epoch from st.started_at - j.created_at)::float8 as s,
          extract(epoch from st.finished_at - j.created_at)::float8 as e
        from job_steps st join jobs j on j.id = st.job_id
        where st.job_id = ${{ full, longer }[process.env.BENCH_PROFILE as 'full' | 'longer']?.jobId ?? again.jobId}
        order by st.started_at`;
      for (const st of steps)
        console.log(
          `${st.name.padEnd(16)} ${st.status.padEnd(10)} ${st.s?.toFixed(2)} → ${st.e?.toFixed(2)}`,
        );
    }
    const priced = async (jobId: string): Promise<Priced> => {
      const [r] = await h.db.sql<{ est: number; actual: number; est_sec: number; actual_sec: number }[]>`
        select cost_estimate_usd::float8 as est, cost_actual_usd::float8 as actual,
          (estimate->>'seconds')::float8 as est_sec, actual_sec from jobs where id = ${jobId}`;
      return { est: r!.est, actual: r!.actual, estSec: r!.est_sec, actualSec: r!.actual_sec };
    };
    // After one measured render: the same storyboard in a fresh project (nothing to reuse there),
    // estimated with the work models this deployment just learned.
    const [other] = await h.db.sql<{ id: string }[]>`
      insert into projects (name, created_by) values ('Warm', ${h.userId}) returning id`;
    await h.db
      .sql`insert into project_members (project_id, user_id, role) values (${other!.id}, ${h.userId}, 'owner')`;
    forgetLearnedWork(h.db.sql);
    const warm = await timedRender(h, project(portrait), other!.id);
    const prices = {
      cold: await priced(full.jobId),
      warm: await priced(warm.jobId),
      again: await priced(again.jobId),
      longer: await priced(longer.jobId),
    };
    const reusedIn = async (jobId: string) =>
      (
        await h.db.sql<{ n: number }[]>`
          select count(*)::int as n from job_steps where job_id = ${jobId} and status = 'reused'`
      )[0]!.n;
    const reused = await reusedIn(again.jobId);
    const longerReused = await reusedIn(longer.jobId);
    type VideoValue = { shots: number[]; loudness: { reusedSpans: number; measuredLufs: number } };
    const videoOf = (r: { outputs: JobOutput[] }) =>
      r.outputs.find((o) => o.name === 'video')!.value as VideoValue;
    const longerVideo = videoOf(longer);
    const video = full.outputs.find((o) => o.name === 'video')!;
    const file = await assetToFile(h, store, video.assetId!, join(dir, 'render.mp4'));
    const duration = (await ffprobe(file)).durationSec ?? 0;
    // The floor: the same frames and audio through the same encoder settings, nothing else.
    const floorStarted = performance.now();
    await runFfmpeg([
      '-y',
      '-i',
      file,
      '-map',
      '0:v',
      '-map',
      '0:a',
      ...h264Args('libx264', RENDER_QUALITY),
      ...AAC_ARGS,
      join(dir, 'floor.mp4'),
    ]);
    const floor = (performance.now() - floorStarted) / 1000;
    return {
      priced: prices,
      full: full.seconds,
      again: again.seconds,
      longer: longer.seconds,
      longerReused,
      longerSec: longerVideo.shots[4]!,
      spansReused: videoOf(again).loudness.reusedSpans,
      longerSpansReused: longerVideo.loudness.reusedSpans,
      loudnessShift: longerVideo.loudness.measuredLufs - videoOf(again).loudness.measuredLufs,
      floor,
      duration,
      reused,
      load: `${loadBefore} → ${loadavg()[0]!.toFixed(1)}`,
    };
  } finally {
    await worker.close();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// The machine is shared: run a few rounds and report the quietest (fastest full render), with
// every round listed so the spread is visible.
const rounds: Round[] = [];
for (let i = 0; i < Number(process.env.BENCH_ROUNDS ?? 3); i++) rounds.push(await round());
const best = rounds.reduce((a, b) => (b.full < a.full ? b : a));
{
  const {
    full: fullSeconds,
    again: againSeconds,
    floor,
    duration,
    reused,
    longer,
    longerReused,
    longerSec,
    spansReused,
    longerSpansReused,
    loudnessShift,
  } = best;
  const full = { seconds: fullSeconds };
  const again = { seconds: againSeconds };
  const f = (n: number) => n.toFixed(1);
  const check = (ok: boolean) => (ok ? 'met' : '**missed**');
  const rows = [
    [
      'Full render (10 scenes, cold cache)',
      `${f(full.seconds)} s`,
      `<= 2x floor (${f(2 * floor)} s) and <= 30 s`,
      check(full.seconds <= 2 * floor && full.seconds <= 30),
    ],
    ['Floor: FFmpeg re-encode of the final frames + audio', `${f(floor)} s`, '-', '-'],
    [
      'Full render / floor',
      `${(full.seconds / floor).toFixed(2)}x`,
      '<= 2x',
      check(full.seconds <= 2 * floor),
    ],
    [
      'Full render / real time',
      `${(full.seconds / duration).toFixed(2)}x`,
      '< 0.5x',
      check(full.seconds / duration < 0.5),
    ],
    [
      `Re-render after one scene's dialogue changed (${reused} of 32 steps and ${spansReused} of 10 soundtrack spans reused)`,
      `${f(again.seconds)} s`,
      `<= 20% of full (${f(0.2 * full.seconds)} s)`,
      check(again.seconds <= 0.2 * full.seconds),
    ],
    [
      `Re-render after that line grew past the scene's 6.5 s (shot ${f(longerSec)} s; ${longerReused} of 32 steps and ${longerSpansReused} of 10 spans reused; film loudness ${loudnessShift >= 0 ? '+' : ''}${loudnessShift.toFixed(1)} LU)`,
      `${f(longer)} s`,
      `<= 20% of full (${f(0.2 * full.seconds)} s)`,
      check(longer <= 0.2 * full.seconds),
    ],
  ];
  const table = [
    '| measure | result | target | |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  const markdown = `## Render pipeline (\`render.video\`)

Command: \`npm run bench:render\` (apps/gpu-worker/bench/bench-render.ts), ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), one worker (2 steps at once), libx264 \`${RENDER_QUALITY.preset}\` CRF ${RENDER_QUALITY.crf}.
Project: 10 scenes × 6.5 s, crossfades, two characters (festival and flite voices, one portrait), camera moves cycling static/pan/zoom/tilt, 1280×720 at 24 fps, synthesized music; output ${f(duration)} s.
Best of ${rounds.length} rounds (each on a fresh database, so the first render has a cold step cache); the machine is shared, so every round is listed with its 1-minute load average (start → end).
Wall times are from enqueue to \`completed\` through the real queue, worker, Postgres and blob store. The floor decodes the finished file and encodes it again with the same settings (so it includes an H.264 decode, a few percent of the encode).

${table}

| round | full render | re-render | longer re-render | floor | full / floor | re-render / full | longer / full | load |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rounds
  .map(
    (r, i) =>
      `| ${i + 1} | ${f(r.full)} s | ${f(r.again)} s | ${f(r.longer)} s | ${f(r.floor)} s | ${(r.full / r.floor).toFixed(2)}x | ${((100 * r.again) / r.full).toFixed(0)} % | ${((100 * r.longer) / r.full).toFixed(0)} % | ${r.load} |`,
  )
  .join('\n')}

Estimate vs actual (the job's up-front estimate, which budgets reserve, against what its steps were charged; each step is charged its measured worker-seconds, reused steps nothing). "Warm" is a full render of the same storyboard in a fresh project right after the first render, estimated with the work models this deployment measured; ±30 % is the target there:

| round | cold full render (catalog model) | warm full render (learned) | re-render, one line | re-render, longer line |
| --- | --- | --- | --- | --- |
${rounds
  .map((r, i) => {
    const p = (x: Priced) =>
      `$${x.est.toFixed(4)} est. / $${x.actual.toFixed(4)} actual (${x.actual > 0 ? ((100 * (x.est - x.actual)) / x.actual).toFixed(0) : '-'} %; ${x.estSec.toFixed(1)} / ${x.actualSec.toFixed(1)} s)`;
    return `| ${i + 1} | ${p(r.priced.cold)} | ${p(r.priced.warm)} | ${p(r.priced.again)} | ${p(r.priced.longer)} |`;
  })
  .join('\n')}

Warm estimate within ±30 % of actual in ${rounds.filter((r) => Math.abs(r.priced.warm.est - r.priced.warm.actual) <= 0.3 * r.priced.warm.actual).length} of ${rounds.length} rounds. The estimate does not predict reuse: a re-render is estimated as a full render, so its estimate (and the budget it reserves) is several times what it is charged.

What a one-scene re-render redoes: that scene's voice (and its shot only if its length changed), then the assembly. Shots are encoded once with the final settings, already cut into head, body and tail, and the bodies are stream-copied into the film; only the 0.5 s transitions are encoded, and only those whose two shots changed. The soundtrack is mixed, ducked, measured (BS.1770) and limited on the samples in the worker in about 0.1 s for 60 s; its AAC encode is cut into one span per scene (pre/post-roll, spliced on 1024-sample frames) and content-addressed by the span's samples, and the previous render's gain is kept while it is within 0.5 dB of the ideal, so the edit re-encodes the changed scene's span and the next one (its music is still recovering from the ducking) and reuses the other eight. When the line outgrows the scene, its shot and the two transitions beside it are encoded again, and every later scene's soundtrack span too, because the music bed under them moves; and when the edit moves the film's loudness by more than 0.5 LU (a long line in a film of short ones does), the new gain re-encodes every span.`;
  writeBenchSection('render', markdown);
  console.log(markdown);
}
