/**
 * npm run bench:highlights — needs DATABASE_URL and REDIS_URL (real Postgres and Redis).
 *
 * A 20-minute synthetic lecture (the test kit's 2-minute lecture looped, 640×360 at 25 fps, AAC)
 * analysed end to end through the real API and worker processes (`highlights.extract`, bundled
 * transcriber): wall time of every step (from the job's steps) and of the whole job as a fraction
 * of the lecture's length, beside the FFmpeg decode floor of the same file
 * (`ffmpeg -i f -f null -`). Writes the `highlights` section of docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSyntheticLecture } from '@clapboard/gpu-worker/testing';
import { createTestDatabase, testServices } from '@clapboard/server/testing';
import type { Job, JobStep } from '@clapboard/shared/jobs';
import { writeBenchSection } from '../../infra/bench/report';
import { signUp } from '../support/e2e-api';
import { startServices } from '../support/service-processes';

const LECTURE_SEC = 1200;
const fmt = (n: number, d = 1) => n.toFixed(d);

const dir = mkdtempSync(join(tmpdir(), 'clapboard-bench-highlights-'));
chmodSync(dir, 0o755);
const { databaseUrl, redisUrl } = testServices(process.env);
const db = await createTestDatabase(databaseUrl);
let svc: Awaited<ReturnType<typeof startServices>> | undefined;
try {
  // One 2-minute lecture, looped without re-encoding to 20 minutes.
  let t = performance.now();
  const unit = await buildSyntheticLecture(dir);
  const copies = Math.ceil(LECTURE_SEC / unit.durationSec);
  const list = join(dir, 'loop.txt');
  writeFileSync(list, Array.from({ length: copies }, () => `file '${unit.file}'`).join('\n'));
  const file = join(dir, 'lecture-20min.mp4');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    list,
    '-t',
    String(LECTURE_SEC),
    '-c',
    'copy',
    file,
  ]);
  const durationSec = Number(
    execFileSync('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'format=duration',
      '-of',
      'csv=p=0',
      file,
    ]).toString(),
  );
  console.info(`lecture built in ${fmt((performance.now() - t) / 1000)} s: ${fmt(durationSec)} s`);

  // The decode floor: FFmpeg reading every frame and sample of the same file, nothing else.
  t = performance.now();
  execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
  const floorSec = (performance.now() - t) / 1000;

  svc = await startServices({ databaseUrl: db.url, redisUrl, dataDir: dir, only: ['api', 'worker'] });
  const apiUrl = `${svc.apiUrl}/api/v1`;
  const { accessToken } = await signUp(svc.apiUrl, {
    email: 'bench@highlights.test',
    password: 'a long password',
    name: 'Bench',
  });
  const call = async <T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> => {
    const headers: Record<string, string> = { authorization: `Bearer ${accessToken}` };
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${apiUrl}${path}`, {
      ...init,
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const project = await call<{ id: string }>('/projects', { method: 'POST', json: { name: 'Bench' } });
  const form = new FormData();
  form.append('file', new Blob([readFileSync(file)], { type: 'video/mp4' }), 'lecture.mp4');
  const video = await call<{ id: string }>(`/projects/${project.id}/assets`, { method: 'POST', body: form });
  const lecture = await call<{ id: string }>(`/projects/${project.id}/lectures`, {
    method: 'POST',
    json: { title: 'Bench lecture', assetId: video.id },
  });

  const { job: submitted } = await call<{ job: Job }>(`/projects/${project.id}/jobs`, {
    method: 'POST',
    json: { type: 'highlights.extract', params: { lectureId: lecture.id } },
  });
  t = performance.now();
  let job: Job & { steps: JobStep[] };
  for (;;) {
    job = await call(`/jobs/${submitted.id}`);
    if (['completed', 'failed', 'cancelled'].includes(job.status)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const wallSec = (performance.now() - t) / 1000;
  if (job.status !== 'completed')
    throw new Error(`the analysis ${job.status}: ${job.error}\n${svc.output().slice(-3000)}`);
  const ranked = await call<{ items: unknown[] }>(`/lectures/${lecture.id}/candidates`);

  const rows = ['speech', 'transcript', 'layout', 'topics', 'candidates'].map((name) => {
    const s = job.steps.find((x) => x.name === name)!;
    const sec = (Date.parse(s.finishedAt!) - Date.parse(s.startedAt!)) / 1000;
    return `| ${name} | ${fmt(sec)} | ${fmt(sec / durationSec, 3)}× |`;
  });
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const md = [
    '## bench:highlights — lecture analysis (`highlights.extract`)',
    '',
    'Command: `npm run bench:highlights` (needs `DATABASE_URL` and `REDIS_URL`). A',
    `${fmt(durationSec / 60)}-minute synthetic lecture (the test kit's ${fmt(unit.durationSec)} s lecture looped ${copies}×:`,
    'festival speech, slides drawn with sharp, the speaker from a real photo; 640×360, 25 fps, H.264',
    '+ AAC) analysed end to end through the real API and worker processes with the bundled models',
    `(Silero VAD, PocketSphinx, PP-OCR, BlazeFace). Machine: ${cpus().length} × ${cpu}, CPU only.`,
    '',
    '| step | wall s | × lecture length |',
    '| --- | ---: | ---: |',
    ...rows,
    `| **whole job** (submit → completed; \`layout\` runs beside \`speech\` → \`transcript\`) | **${fmt(wallSec)}** | **${fmt(wallSec / durationSec, 3)}×** |`,
    `| FFmpeg decode floor of the same file (\`ffmpeg -i f -f null -\`) | ${fmt(floorSec)} | ${fmt(floorSec / durationSec, 3)}× |`,
    '',
    `Target: ≤ 0.25× real time overall. Candidates found: ${ranked.items.length}. Load average`,
    `while it ran: ${loadavg()
      .map((l) => fmt(l, 2))
      .join(', ')} (1, 5, 15 min; other work shares the machine).`,
    '',
    'Where the time goes: decoding is not it (the floor is a few seconds for the whole file). The',
    '`transcript` step is PocketSphinx itself (native `pocketsphinx_continuous`, one process per',
    'chunk, as many at once as there are cores: about 0.2× real time per core on clear speech);',
    'writing the chunks and splitting sentences take under a second. `layout` is one FFmpeg pass',
    'for scene changes (close to the decode floor), then per span three frame grabs, three',
    'BlazeFace runs (TF.js WASM) and one PP-OCR run (ONNX, CPU): it grows with the number of',
    'scene changes (60 spans here), not with the lecture length. Both run at the same time on',
    'two cores, so the whole job is about the transcript plus what layout takes from it.',
    '`speech` is Silero VAD (one 32 ms window per ONNX run); topics and candidates are arithmetic.',
  ].join('\n');
  console.info(md);
  writeFileSync(join(tmpdir(), 'bench-highlights.md'), md);
  writeBenchSection('highlights', md);
} finally {
  await svc?.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
}
