/**
 * npm run bench:variants — needs DATABASE_URL and REDIS_URL (real Postgres and Redis).
 *
 * A 30-second storyboard (6 scenes, two characters, camera moves) rendered on one in-process
 * worker (the real queue, Postgres, blob store, FFmpeg and TTS):
 * - baseline: three separate `render.video` renders, one per aspect (9:16, 1:1, 16:9), the step
 *   cache cleared before each (so each pays for its own voices, frames and music);
 * - matrix: one `render.variants` job of vertical-15, square-30 and landscape-60 (cache cleared);
 * - matrix (same lengths): vertical-30, square-30, landscape-60, every variant the whole film, so
 *   the comparison with the baseline is the same seconds of video;
 * - warm (BENCH_WARM=0 skips): the three renders with the cache kept between them (the later two
 *   reuse the first one's voices and music), and the matrix right after them.
 * Wall times are from submit to `completed`; the per-step profile sums each step kind's run time
 * (from `job_steps`); CPU seconds (this process and its children) say what each job cost the machine,
 * whatever else runs on it. BENCH_RESOLUTION (default `720p,480p`: a table each), BENCH_ROUNDS
 * (default 3 per resolution; the warm rows run in the first). Writes the
 * `variants` section of docs/benchmarks.md. BENCH_ONLY=matrix renders the cold matrix alone
 * (nothing written), with BENCH_PROFILE=1 logging the worker's phase timings.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createJobHarness,
  type JobHarness,
  renderWorker,
  submitAsApi,
  submitVariants,
  type TestProject,
  waitFor,
  writeDocument,
} from '@clapboard/gpu-worker/testing';
import { createLogger } from '@clapboard/server/logger';
import { createLocalBlobStore } from '@clapboard/server/storage';
import type { VariantSpec } from '@clapboard/shared/campaigns';
import type { JobOutput } from '@clapboard/shared/jobs';
import { variantOutputName } from '@clapboard/shared/render-result';
import { writeBenchSection } from '../../infra/bench/report';

type Resolution = '480p' | '720p' | '1080p';
/** Resolutions measured, each its own rounds and table: the shared work weighs more at lower ones. */
const RESOLUTIONS = (process.env.BENCH_RESOLUTION ?? '720p,480p').split(',') as Resolution[];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARM = process.env.BENCH_WARM !== '0';
const f = (n: number, d = 1) => n.toFixed(d);

const LINES = [
  ['ANA', 'Mornings used to start with bad coffee.'],
  ['BEN', 'Then we found a better way.'],
  ['ANA', 'Fresh beans, ground at home in seconds.'],
  ['BEN', 'It tastes like the café down the street.'],
  ['ANA', 'And it costs less than a week of takeaways.'],
  ['BEN', 'Order yours today and taste the difference.'],
] as const;
const CAMERAS = ['zoom-in', 'static', 'pan-right', 'static', 'tilt-up', 'zoom-out'];
const STORY: TestProject = {
  scenes: LINES.map(([character, text], i) => ({
    id: `scene-${i}`,
    heading: `${i % 2 ? 'INT. KITCHEN' : 'EXT. STREET'} - DAY`,
    synopsis: `Beat ${i + 1}`,
    dialogue: [{ character, text }],
    shot: (['medium', 'close', 'wide'] as const)[i % 3],
    camera: CAMERAS[i],
    durationSec: 5.4,
  })),
  characters: { ANA: {}, BEN: {} },
};

/**
 * CPU seconds this process and its finished children (FFmpeg, festival, flite) have used, from
 * /proc/self/stat (utime, stime, cutime, cstime): what a job cost the machine, whatever else the
 * shared machine runs meanwhile (wall time is at the mercy of that).
 */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // After the command: state is field 3, so utime (14) … cstime (17) sit at 11 … 14 here.
  return [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i]), 0) / 100;
}

type Row = { status: string; error: string | null; outputs: JobOutput[] };
interface Run {
  label: string;
  seconds: number;
  /** CPU seconds of the worker and its child processes (see cpuSeconds). */
  cpu: number;
  /** Worker-seconds per step kind (frame, voice, shot(s), music, assemble). */
  steps: Record<string, number>;
  reused: number;
  /** Seconds of video made. */
  videoSec: number;
}

async function finished(h: JobHarness, jobId: string): Promise<Row> {
  const row = await waitFor(
    () => h.db.sql<Row[]>`select status, error, outputs from jobs where id = ${jobId}`.then((r) => r[0]!),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
    1_200_000,
  );
  if (row.status !== 'completed') throw new Error(`job ${row.status}: ${row.error}`);
  return row;
}

async function profile(h: JobHarness, jobId: string) {
  const rows = await h.db.sql<{ name: string; status: string; sec: number | null }[]>`
    select name, status, extract(epoch from finished_at - started_at)::float8 as sec
    from job_steps where job_id = ${jobId}`;
  const steps: Record<string, number> = {};
  for (const r of rows) {
    const kind = r.name.split('/').at(-1)!;
    steps[kind] = (steps[kind] ?? 0) + (r.status === 'reused' ? 0 : (r.sec ?? 0));
  }
  return { steps, reused: rows.filter((r) => r.status === 'reused').length };
}

const clearCache = (h: JobHarness) => h.db.sql`delete from step_outputs where project_id = ${h.projectId}`;

async function render(
  h: JobHarness,
  aspectRatio: '9:16' | '1:1' | '16:9',
  resolution: Resolution,
): Promise<Run> {
  const started = performance.now();
  const cpu = cpuSeconds();
  const jobId = await submitAsApi(h, 'render.video', { preset: { resolution, aspectRatio } });
  const row = await finished(h, jobId);
  const seconds = (performance.now() - started) / 1000;
  const video = row.outputs.find((o) => o.name === 'video')!;
  const videoSec = (video.value as { durationSec: number }).durationSec;
  return {
    label: `render.video ${aspectRatio}`,
    seconds,
    cpu: cpuSeconds() - cpu,
    videoSec,
    ...(await profile(h, jobId)),
  };
}

async function matrix(
  h: JobHarness,
  specs: VariantSpec[],
  label: string,
  resolution: Resolution,
): Promise<Run & { lengths: string }> {
  const started = performance.now();
  const cpu = cpuSeconds();
  const { jobId, params } = await submitVariants(h, STORY, specs, {
    resolution,
    burnSubtitles: false,
  });
  const row = await finished(h, jobId);
  const seconds = (performance.now() - started) / 1000;
  const used = cpuSeconds() - cpu;
  const lengths = params.variants.map((v) => {
    const value = row.outputs.find((o) => o.name === variantOutputName(v.key, 'video'))!.value as {
      durationSec: number;
    };
    return value.durationSec;
  });
  return {
    label,
    seconds,
    cpu: used,
    videoSec: lengths.reduce((s, x) => s + x, 0),
    lengths: params.variants.map((v, i) => `${v.key} ${f(lengths[i]!)} s`).join(', '),
    ...(await profile(h, jobId)),
  };
}

interface Round {
  baseline: Run[];
  matrix: Run & { lengths: string };
  same: Run & { lengths: string };
  warmBaseline: Run[];
  warmMatrix: (Run & { lengths: string }) | null;
  load: string;
  filmSec: number;
}

async function round(warm: boolean, resolution: Resolution): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-bench-variants-'));
  const store = createLocalBlobStore(join(dir, 'blobs'));
  const h = await createJobHarness();
  const worker = renderWorker(
    h,
    store,
    {},
    {
      log: createLogger('bench-variants', { level: process.env.BENCH_PROFILE ? 'info' : 'warn' }),
    },
  );
  try {
    await worker.ready();
    await writeDocument(h, STORY);
    const loadBefore = loadavg()[0]!.toFixed(1);
    // A warm-up render of another aspect so the first measured job does not pay for the engines' start.
    await submitAsApi(h, 'render.video', { preset: { resolution: '480p', aspectRatio: '4:3' } }).then((id) =>
      finished(h, id),
    );
    if (process.env.BENCH_ONLY === 'matrix') {
      // Profiling: the cold 15/30/60 matrix alone (BENCH_PROFILE=1 logs its phases).
      await clearCache(h);
      const only = await matrix(
        h,
        [{ preset: 'vertical-15' }, { preset: 'square-30' }, { preset: 'landscape-60' }],
        'matrix',
        resolution,
      );
      console.info(`${only.label}: ${f(only.seconds)} s, CPU ${f(only.cpu)} s`, only.steps);
      process.exit(0);
    }
    const baseline: Run[] = [];
    for (const aspect of ['9:16', '1:1', '16:9'] as const) {
      await clearCache(h);
      baseline.push(await render(h, aspect, resolution));
      console.info(`${baseline.at(-1)!.label}: ${f(baseline.at(-1)!.seconds)} s`);
    }
    await clearCache(h);
    const m = await matrix(
      h,
      [{ preset: 'vertical-15' }, { preset: 'square-30' }, { preset: 'landscape-60' }],
      'render.variants vertical-15, square-30, landscape-60',
      resolution,
    );
    console.info(`${m.label}: ${f(m.seconds)} s (${m.lengths})`);
    await clearCache(h);
    const same = await matrix(
      h,
      [{ preset: 'vertical-30' }, { preset: 'square-30' }, { preset: 'landscape-60' }],
      'render.variants vertical-30, square-30, landscape-60',
      resolution,
    );
    console.info(`${same.label}: ${f(same.seconds)} s (${same.lengths})`);
    const warmBaseline: Run[] = [];
    let warmMatrix: Round['warmMatrix'] = null;
    if (warm) {
      await clearCache(h);
      for (const aspect of ['9:16', '1:1', '16:9'] as const)
        warmBaseline.push(await render(h, aspect, resolution));
      warmMatrix = await matrix(
        h,
        [{ preset: 'vertical-15' }, { preset: 'square-30' }, { preset: 'landscape-60' }],
        'render.variants after the three renders',
        resolution,
      );
    }
    return {
      baseline,
      matrix: m,
      same,
      warmBaseline,
      warmMatrix,
      load: `${loadBefore} → ${loadavg()[0]!.toFixed(1)}`,
      filmSec: baseline[0]!.videoSec,
    };
  } finally {
    await worker.close();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const sum = (runs: Run[], key: 'seconds' | 'cpu' = 'seconds') => runs.reduce((s, r) => s + r[key], 0);
const median = (xs: number[]) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[a.length >> 1]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
};
const kinds = ['frame', 'voice', 'shot', 'shots', 'music', 'assemble'];
const stepCells = (r: Run) =>
  kinds.map((k) => (r.steps[k] === undefined ? '-' : `${f(r.steps[k]!)} s`)).join(' | ');
const met = (x: number) => (x <= 0.6 ? 'met' : '**missed**');

/**
 * One resolution's tables. The machine is shared and its load moves by the minute: each round
 * compares jobs run back to back, and the ratios are the median of the rounds' ratios (wall time
 * and CPU time).
 */
function report(resolution: Resolution, rounds: Round[]) {
  const ratios = rounds.map((r) => ({
    wall: r.matrix.seconds / sum(r.baseline),
    cpu: r.matrix.cpu / sum(r.baseline, 'cpu'),
    sameWall: r.same.seconds / sum(r.baseline),
    sameCpu: r.same.cpu / sum(r.baseline, 'cpu'),
  }));
  const med = {
    wall: median(ratios.map((r) => r.wall)),
    cpu: median(ratios.map((r) => r.cpu)),
    sameWall: median(ratios.map((r) => r.sameWall)),
    sameCpu: median(ratios.map((r) => r.sameCpu)),
  };
  const first = rounds[0]!;
  const profileRows = [
    ...first.baseline,
    {
      ...first.baseline[0]!,
      label: '**three renders, summed**',
      steps: Object.fromEntries(
        kinds.map((k) => [k, first.baseline.reduce((s, r) => s + (r.steps[k] ?? 0), 0)]),
      ),
    },
    first.matrix,
    first.same,
  ];
  const warmRows = first.warmMatrix
    ? `| warm (round 1): the three renders with the cache kept between them | ${f(sum(first.warmBaseline))} s | ${f(sum(first.warmBaseline, 'cpu'))} s | ${f(sum(first.warmBaseline) / sum(first.baseline), 2)}× | ${f(sum(first.warmBaseline, 'cpu') / sum(first.baseline, 'cpu'), 2)}× | |
| warm (round 1): the 15/30/60 matrix right after them (voices and music reused from the renders) | ${f(first.warmMatrix.seconds)} s | ${f(first.warmMatrix.cpu)} s | ${f(first.warmMatrix.seconds / sum(first.baseline), 2)}× | ${f(first.warmMatrix.cpu / sum(first.baseline, 'cpu'), 2)}× | |
`
    : '';
  // What sharing can save at most: the renders' step time outside the per-aspect encodes.
  const total = (k: string[]) =>
    first.baseline.reduce((s, r) => s + k.reduce((t, x) => t + (r.steps[x] ?? 0), 0), 0);
  const encodeShare = total(['shot', 'assemble']) / total(kinds);
  const videoShare = first.matrix.videoSec / first.baseline.reduce((s, r) => s + r.videoSec, 0);
  const bound = `In round 1 the renders spent ${f(100 * encodeShare, 0)} % of their step time in \`shot\` and \`assemble\` (encoding, which is per aspect by nature: each aspect is its own pixels) and ${f(100 * (1 - encodeShare), 0)} % in what the matrix makes once (\`frame\`, \`voice\`, \`music\`). Even with that part free, the same-length matrix could not go under about ${f(encodeShare, 2)}× and the 15/30/60 one (${f(100 * videoShare, 0)} % of the renders' seconds of video) under about ${f(encodeShare * videoShare, 2)}×.`;
  return {
    med,
    markdown: `### ${resolution}

| job (round 1) | wall time | CPU time | wall vs three renders (median) | CPU vs three renders (median) | target (wall ≤ 0.6×) |
| --- | --- | --- | --- | --- | --- |
| three \`render.video\` (9:16, 1:1, 16:9), cache cleared before each: ${f(first.baseline.reduce((s, r) => s + r.videoSec, 0))} s of video | ${f(sum(first.baseline))} s | ${f(sum(first.baseline, 'cpu'))} s | 1.00× | 1.00× | |
| \`render.variants\` vertical-15, square-30, landscape-60: ${first.matrix.lengths} | ${f(first.matrix.seconds)} s | ${f(first.matrix.cpu)} s | ${f(med.wall, 2)}× | ${f(med.cpu, 2)}× | ${met(med.wall)} |
| \`render.variants\` vertical-30, square-30, landscape-60: the same ${f(first.same.videoSec)} s of video as the renders | ${f(first.same.seconds)} s | ${f(first.same.cpu)} s | ${f(med.sameWall, 2)}× | ${f(med.sameCpu, 2)}× | ${met(med.sameWall)} |
${warmRows}
| round | three renders (wall / CPU) | matrix 15/30/60 | matrix 30/30/60 | ratio 15/30/60 (wall / CPU) | ratio 30/30/60 (wall / CPU) | load (start → end) |
| --- | --- | --- | --- | --- | --- | --- |
${rounds
  .map(
    (r, i) =>
      `| ${i + 1} | ${f(sum(r.baseline))} s / ${f(sum(r.baseline, 'cpu'))} s | ${f(r.matrix.seconds)} s / ${f(r.matrix.cpu)} s | ${f(r.same.seconds)} s / ${f(r.same.cpu)} s | ${f(ratios[i]!.wall, 2)}× / ${f(ratios[i]!.cpu, 2)}× | ${f(ratios[i]!.sameWall, 2)}× / ${f(ratios[i]!.sameCpu, 2)}× | ${r.load} |`,
  )
  .join('\n')}

Where the time goes in round 1 (seconds each step kind ran, summed over its steps; a render runs two steps at a time, so its column sums exceed its wall time, while the matrix's \`shots\` and \`assemble\` each run alone and parallelize inside):

| job | frame | voice | shot | shots | music | assemble |
| --- | --- | --- | --- | --- | --- | --- |
${profileRows.map((r) => `| ${r.label} | ${stepCells(r)} |`).join('\n')}

${bound}
`,
  };
}

const sections: Array<ReturnType<typeof report>> = [];
let filmSec = 0;
for (const resolution of RESOLUTIONS) {
  const rounds: Round[] = [];
  // Warm rows in the first round only; every round measures the cold baseline and both matrices.
  for (let i = 0; i < ROUNDS; i++) rounds.push(await round(WARM && i === 0, resolution));
  filmSec = rounds[0]!.filmSec;
  sections.push(report(resolution, rounds));
}
const markdown = `## Platform variants (bench:variants)

Command: \`npm run bench:variants\` (tests/bench/bench-variants.ts), ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), one in-process worker (2 steps at once), ${RESOLUTIONS.join(' and ')}, libx264 \`veryfast\` CRF 23, no subtitles burned, no brand kit.
Storyboard: 6 scenes × 5.4 s with a line each (two characters, festival and flite voices, composed frames, camera moves), crossfades: a ${f(filmSec)} s film. Wall time from submit to \`completed\` through the real queue, worker, Postgres, blob store, FFmpeg and TTS; CPU time of the worker process and the programs it ran (FFmpeg, festival, flite), which the shared machine's other load inflates less than wall time. The step cache is cleared before each job unless the row says warm. ${ROUNDS} round${ROUNDS === 1 ? '' : 's'} per resolution, each running the baseline and both matrices back to back; ratios are the median of the rounds' ratios.

${sections.map((x) => x.markdown).join('\n')}`;
writeBenchSection('variants', markdown, 'render');
console.log(markdown);
process.exit(0);
