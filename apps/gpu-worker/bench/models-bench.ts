/**
 * `npm run bench:models`: per bundled ONNX model, latency and throughput through the registry
 * beside a bare `session.run` on the same session and inputs (alternating runs), and real-time
 * factors of the audio models. Writes the `models` section of docs/benchmarks.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@clapboard/server/logger';
import { runFfmpeg } from '@clapboard/server/media';
import { Tensor } from 'onnxruntime-node';
import sharp, { type Sharp } from 'sharp';
import { writeBenchSection } from '../../../infra/bench/report';
import { suppressNoise } from '../src/audio/suppress-noise';
import { decodeAudio } from '../src/media/decode-audio';
import { createModelRegistry, type Feeds } from '../src/models/model-registry';
import { registerBundledModels } from '../src/models/register-bundled-models';
import { selectDevice } from '../src/models/select-device';
import { detectSpeech } from '../src/speech/detect-speech';
import { recognizeSpeech } from '../src/speech/recognize-speech';
import { SILERO_CONTEXT, SILERO_WINDOW } from '../src/speech/silero-vad-model';
import { synthesizeSpeech, type VoiceId } from '../src/speech/synthesize-speech';
import { markdownTable } from './markdown-table';

const log = createLogger('bench', { level: 'warn' });
const dir = mkdtempSync(join(tmpdir(), 'clapboard-bench-'));
const device = await selectDevice('auto', { log });
const registry = createModelRegistry({ device, log });
registerBundledModels(registry);

const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  return { mean, p50: sorted[Math.floor(sorted.length / 2)]!, perSec: 1000 / mean };
};

/** Alternates blocks of registry.run and bare session.run on the same session and feeds. */
async function compare(name: string, feeds: Feeds, iterations: number, block: number) {
  const { session } = await registry.load(name);
  await session.run(feeds); // both paths start warm
  const viaRegistry: number[] = [];
  const bare: number[] = [];
  for (let done = 0; done < iterations; done += block) {
    for (let i = 0; i < block; i++) {
      const t = performance.now();
      await registry.run(name, feeds);
      viaRegistry.push(performance.now() - t);
    }
    for (let i = 0; i < block; i++) {
      const t = performance.now();
      await session.run(feeds);
      bare.push(performance.now() - t);
    }
  }
  const r = stats(viaRegistry);
  const b = stats(bare);
  // Medians: on a shared 2-core box a neighbour's burst skews a mean; the median resists it.
  return { name, iterations, r, b, ratio: b.p50 / r.p50 };
}

// Inputs: a silent+speech VAD window, the slide the OCR test renders, the matting composite's size.
const vadFeeds: Feeds = {
  input: new Tensor(
    'float32',
    new Float32Array(SILERO_CONTEXT + SILERO_WINDOW).map((_, i) => Math.sin(i / 7) * 0.2),
    [1, SILERO_CONTEXT + SILERO_WINDOW],
  ),
  state: new Tensor('float32', new Float32Array(256), [2, 1, 128]),
  sr: new Tensor('int64', BigInt64Array.from([16000n]), []),
};
const slideSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="416"><rect width="100%" height="100%" fill="#fff"/>
  <text x="60" y="110" font-family="DejaVu Sans" font-size="52" font-weight="bold">Quarterly Review 2026</text>
  <text x="60" y="220" font-family="DejaVu Sans" font-size="40">Revenue grew by 18 percent</text></svg>`;
const toChw = async (img: Sharp, w: number, h: number, norm: (v: number) => number) => {
  const rgb = await img.resize(w, h, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  const plane = w * h;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) out[c * plane + i] = norm(rgb[i * 3 + c]!);
  return new Tensor('float32', out, [1, 3, h, w]);
};
const slide = await sharp(Buffer.from(slideSvg)).png().toBuffer();
const detFeeds: Feeds = { x: await toChw(sharp(slide), 960, 416, (v) => v / 255) };
const recFeeds: Feeds = {
  x: await toChw(
    sharp(slide).extract({ left: 50, top: 60, width: 620, height: 66 }),
    451,
    48,
    (v) => v / 255,
  ),
};
const matFeeds: Feeds = {
  input: await toChw(
    sharp('/usr/lib/python3/dist-packages/skimage/data/astronaut.png'),
    1024,
    1024,
    (v) => (v - 128) / 256,
  ),
};

const rows = [
  await compare('silero-vad', vadFeeds, 1000, 1),
  await compare('ppocr-v4-det', detFeeds, 30, 1),
  await compare('ppocr-v4-rec', recFeeds, 80, 1),
  await compare('imgly-isnet', matFeeds, 5, 1),
];

// Audio real-time factors (processing time / audio duration; below 1 = faster than real time).
const text =
  'The storyboard for the second act is ready for review. Please approve the opening scene today, then we can render the final cut tomorrow morning.';
const rtf: Array<[string, number, number]> = [];
for (const voice of ['festival-kal', 'flite-slt', 'espeak-en-us'] as VoiceId[]) {
  const t = performance.now();
  const out = await synthesizeSpeech(text, join(dir, `${voice}.wav`), { voice });
  rtf.push([`TTS ${voice}`, (performance.now() - t) / 1000, out.durationSec]);
}
const speechFile = join(dir, 'festival-kal.wav');
const long = join(dir, 'long.wav');
await runFfmpeg([
  '-y',
  '-i',
  speechFile,
  '-i',
  speechFile,
  '-filter_complex',
  '[0:a][1:a]concat=n=2:v=0:a=1',
  long,
]);
const pcm = await decodeAudio(long);
const audioSec = pcm.samples.length / pcm.sampleRate;
let t = performance.now();
await detectSpeech(registry, pcm);
rtf.push(['VAD Silero (registry, 32 ms windows)', (performance.now() - t) / 1000, audioSec]);
t = performance.now();
await recognizeSpeech(long);
rtf.push(['ASR PocketSphinx (incl. FFmpeg resample)', (performance.now() - t) / 1000, audioSec]);
const pcm48 = await decodeAudio(long, { sampleRate: 48_000 });
t = performance.now();
await suppressNoise(pcm48);
rtf.push(['Noise suppression RNNoise (WASM)', (performance.now() - t) / 1000, audioSec]);

await registry.close();
rmSync(dir, { recursive: true, force: true });

const f = (n: number, d = 2) => n.toFixed(d);
const INPUTS: Record<string, string> = {
  'silero-vad': '1 window (576 samples)',
  'ppocr-v4-det': 'slide 960×416',
  'ppocr-v4-rec': 'text line 451×48',
  'imgly-isnet': 'photo 1024×1024',
};
const date = new Date().toISOString().slice(0, 10);
const markdown = `## Worker models (\`apps/gpu-worker\`)

Command: \`npm run bench:models\` · run ${date} · Node ${process.version} · onnxruntime-node 1.30.0 · ${cpus().length} CPU cores (${cpus()[0]?.model.trim()}).

Device: requested \`auto\`, active provider **${device.provider}**${device.reason ? ` — ${device.reason}` : ''}. **No CUDA host was available for this run**: every number is CPU.

Registry vs bare \`session.run\`: the same warmed session and the same inputs, alternating one registry run with one bare run. Runs/s = 1000 / p50; ratio = registry runs/s / bare runs/s (target ≥ 0.95). Medians, because the 2-core box is shared with other work and single runs of the big models vary by ±30%.

${markdownTable(
  [
    'model',
    'input',
    'runs each',
    'registry mean ms',
    'registry p50 ms',
    'registry runs/s',
    'bare mean ms',
    'bare p50 ms',
    'bare runs/s',
    'ratio',
  ],
  ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  rows.map((r) => [
    r.name,
    INPUTS[r.name] ?? '',
    String(r.iterations),
    f(r.r.mean),
    f(r.r.p50),
    f(1000 / r.r.p50, 1),
    f(r.b.mean),
    f(r.b.p50),
    f(1000 / r.b.p50, 1),
    f(r.ratio, 3),
  ]),
)}

Real-time factors (processing seconds / audio seconds; lower is faster, < 1 is faster than real time). Audio: the sentence below spoken by each voice; VAD/ASR/RNNoise on festival's reading twice over (${f(audioSec, 1)} s).

> ${text}

${markdownTable(
  ['model', 'processing s', 'audio s', 'RTF'],
  ['l', 'r', 'r', 'r'],
  rtf.map(([n, p, a]) => [n, f(p), f(a), f(p / a, 3)]),
)}
`;
writeBenchSection('models', markdown);
console.log(markdown);
