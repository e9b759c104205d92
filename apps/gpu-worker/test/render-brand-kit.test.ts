import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFont } from '@clapboard/server/fonts';
import { ffprobe, runFfmpeg } from '@clapboard/server/media';
import { type BlobStore, createLocalBlobStore } from '@clapboard/server/storage';
import type { BrandKitStyle } from '@clapboard/shared/campaigns';
import type { JobOutput } from '@clapboard/shared/jobs';
import type { RenderVideoValue } from '@clapboard/shared/render-result';
import { variantOutputName } from '@clapboard/shared/render-result';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrameFont, frameTextSvg } from '../src/pipelines/render/compose-frame';
import { parseVtt } from '../src/pipelines/render/subtitle-files';
import type { VoiceValue } from '../src/pipelines/render/voice-step';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, submitAsApi, waitFor } from './support/job-harness';
import { renamedFont } from './support/renamed-font';
import { submitVariants, type TestProject, writeDocument } from './support/render-project';
import { assetText, assetToFile, outputOf, renderWorker } from './support/render-test-kit';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-brand-'));
const store = createLocalBlobStore(join(dir, 'blobs'));

const FAMILY = 'Clap Test Mono';
const LINE = 'Fill it, Bill. I will.';
const project: TestProject = {
  scenes: [
    {
      id: 'counter',
      heading: 'INT. CAFE - DAY',
      synopsis: 'Ana at the counter',
      dialogue: [{ character: 'ANA', text: LINE }],
      shot: 'medium',
      camera: 'static',
      durationSec: 3,
    },
    {
      id: 'cup',
      heading: 'INT. CAFE - DAY',
      synopsis: 'The cup',
      shot: 'close',
      camera: 'static',
      durationSec: 2,
    },
  ],
  characters: { ANA: {} },
};

const STYLE = (fontId: string) =>
  ({
    palette: {
      primary: '#ffcc00',
      secondary: '#333333',
      accent: '#ff6600',
      background: '#203040',
      text: '#ffffff',
    },
    headingFontId: fontId,
    captionStyle: {
      fontId,
      size: 0.06,
      color: '#00ff00',
      background: '#0000ff',
      backgroundOpacity: 1,
      position: 'top',
      uppercase: false,
    },
    introCard: { enabled: true, text: 'ACME', durationSec: 2 },
    outroCard: { enabled: true, text: '', durationSec: 1.5 },
    lowerThird: { enabled: true, title: 'Ana Lopez', subtitle: 'Barista', startSec: 0.2, durationSec: 2.5 },
    logoPlacement: 'top-right',
    defaultVoice: 'flite-awb',
    musicMood: 'upbeat',
  }) satisfies Partial<BrandKitStyle>;

async function putBlob(s: BlobStore, key: string, bytes: Buffer, contentType: string) {
  await s.put(key, new Response(bytes).body!, { contentType });
}

/** Decodes the frame at `sec` as raw RGB. */
async function frameAt(file: string, sec: number) {
  const png = join(dir, `frame-${Math.round(sec * 1000)}-${Math.random().toString(36).slice(2)}.png`);
  await runFfmpeg(['-v', 'error', '-y', '-ss', sec.toFixed(3), '-i', file, '-frames:v', '1', png]);
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const i = (y * info.width + x) * info.channels;
    return [data[i]!, data[i + 1]!, data[i + 2]!] as const;
  };
  /** Pixels within `tol` of `hex` in the region; and the columns where they lie. */
  const count = (hex: string, region = { x: 0, y: 0, width: info.width, height: info.height }, tol = 60) => {
    const want = [1, 3, 5].map((k) => Number.parseInt(hex.slice(k, k + 2), 16));
    let n = 0;
    let x0 = Number.POSITIVE_INFINITY;
    let x1 = -1;
    for (let y = region.y; y < region.y + region.height; y++)
      for (let x = region.x; x < region.x + region.width; x++) {
        const p = at(x, y);
        if (Math.hypot(p[0] - want[0]!, p[1] - want[1]!, p[2] - want[2]!) <= tol) {
          n++;
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
        }
      }
    return { n, extent: x1 - x0 };
  };
  return { at, count, width: info.width, height: info.height };
}

/** Width of `text` drawn by libass in the green caption style of the kit, with `font`. */
async function referenceWidth(fontsDir: string, font: string): Promise<number> {
  const ass = join(dir, `ref-${font.replace(/\s/g, '')}.ass`);
  writeFileSync(
    ass,
    [
      '[Script Info]',
      'ScriptType: v4.00+',
      'PlayResX: 854',
      'PlayResY: 480',
      '',
      '[V4+ Styles]',
      'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
      `Style: R,${font},29,&H0000FF00,&H0000FF00,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,5,0,0,0,1`,
      '',
      '[Events]',
      'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
      `Dialogue: 0,0:00:00.00,0:00:05.00,R,,0,0,0,,${LINE}`,
      '',
    ].join('\n'),
  );
  const out = join(dir, `ref-${font.replace(/\s/g, '')}.mp4`);
  await runFfmpeg([
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'color=c=black:s=854x480:d=1',
    '-vf',
    `ass=filename=${ass}:fontsdir=${fontsDir}`,
    '-frames:v',
    '1',
    '-c:v',
    'png',
    '-f',
    'image2',
    out.replace('.mp4', '.png'),
  ]);
  const { data, info } = await sharp(out.replace('.mp4', '.png')).raw().toBuffer({ resolveWithObject: true });
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = -1;
  for (let i = 0; i < data.length; i += info.channels)
    if (data[i + 1]! > 150 && data[i]! < 100) {
      const x = (i / info.channels) % info.width;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
    }
  return x1 - x0;
}

/** Near-white pixels (the frame text's colour) of the bottom `rows` of a PNG, as a mask. */
async function textMask(png: Buffer, rows: number): Promise<Uint8Array> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const mask = new Uint8Array(info.width * rows);
  for (let y = info.height - rows; y < info.height; y++)
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * 3;
      if (data[i]! > 200 && data[i + 1]! > 200 && data[i + 2]! > 200)
        mask[(y - (info.height - rows)) * info.width + x] = 1;
    }
  return mask;
}
/** Overlap of two masks: shared pixels over pixels in either. */
const iou = (a: Uint8Array, b: Uint8Array) => {
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    both += a[i]! & b[i]!;
    either += a[i]! | b[i]!;
  }
  return either ? both / either : 0;
};

type Row = { status: string; error: string | null; outputs: JobOutput[] };
const finished = (h: JobHarness, id: string) =>
  waitFor(
    () => h.db.sql<Row[]>`select status, error, outputs from jobs where id = ${id}`.then((r) => r[0]!),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
    240_000,
  );
const statuses = async (h: JobHarness, id: string) =>
  Object.fromEntries(
    (
      await h.db.sql<{ name: string; status: string }[]>`
        select name, status from job_steps where job_id = ${id} order by name`
    ).map((s) => [s.name, s.status]),
  );

describe('a campaign brand kit applied in renders', () => {
  let h: JobHarness;
  let worker: ClapboardWorker;
  let kitId: string;
  let fontId: string;
  let first: Row;
  const fontsDir = join(dir, 'fonts');

  beforeAll(async () => {
    h = await createJobHarness();
    worker = renderWorker(h, store);
    await worker.ready();
    // A font no system has (DejaVu Sans Mono renamed), and a solid magenta logo, in the blob store.
    const font = await renamedFont('/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf', FAMILY);
    mkdirSync(fontsDir, { recursive: true });
    writeFileSync(join(fontsDir, 'mono.ttf'), font);
    await putBlob(store, 'brand/font.ttf', font, 'font/ttf');
    const logo = await sharp({ create: { width: 200, height: 100, channels: 4, background: '#ff00ff' } })
      .png()
      .toBuffer();
    await putBlob(store, 'brand/logo.png', logo, 'image/png');
    const [client] = await h.db.sql<
      { id: string }[]
    >`insert into clients (name) values ('Acme') returning id`;
    const [kit] = await h.db.sql<{ id: string }[]>`
      insert into brand_kits (client_id, name, logo_key, logo_format, logo_width, logo_height, logo_bytes)
      values (${client!.id}, 'Acme', 'brand/logo.png', 'png', 200, 100, ${logo.length}) returning id`;
    kitId = kit!.id;
    const [f] = await h.db.sql<{ id: string }[]>`
      insert into brand_kit_fonts (kit_id, family, style, format, storage_key, sha256, byte_size)
      values (${kitId}, ${FAMILY}, 'Regular', 'ttf', 'brand/font.ttf',
              ${createHash('sha256').update(font).digest('hex')}, ${font.length}) returning id`;
    fontId = f!.id;
    await h.db.sql`update brand_kits set style = ${h.db.sql.json(STYLE(fontId))} where id = ${kitId}`;
    const [campaign] = await h.db.sql<{ id: string }[]>`
      insert into campaigns (client_id, name, brand_kit_id) values (${client!.id}, 'Spring', ${kitId}) returning id`;
    await h.db.sql`update projects set campaign_id = ${campaign!.id} where id = ${h.projectId}`;
    await writeDocument(h, project);
  });
  afterAll(async () => {
    await worker?.close();
    await h?.close();
    if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
    else console.info('rendered files in', dir);
  });

  it('render.video: cards, logo, lower third, captions in the kit font and colours, default voice', async () => {
    const jobId = await submitAsApi(h, 'render.video', {
      preset: { resolution: '480p', aspectRatio: '16:9', burnSubtitles: true },
    });
    first = await finished(h, jobId);
    expect(first.error).toBeNull();
    const video = outputOf(first.outputs, 'video');
    const value = video.value as RenderVideoValue;
    const file = await assetToFile(h, store, video.assetId!, join(dir, 'branded.mp4'));
    const probe = await ffprobe(file);

    // Intro (2 s) and outro (1.5 s) cards are shots of their own around the scenes.
    expect(value.cards).toEqual({ introSec: 2, outroSec: 1.5 });
    expect(value.shots).toHaveLength(4);
    expect([value.shots[0], value.shots[3]]).toEqual([2, 1.5]);
    const T = value.transitionSec;
    const total = value.shots.reduce((s, x) => s + x, 0) - 3 * T;
    expect(Math.abs(probe.durationSec! - total)).toBeLessThan(0.1);
    expect(value.scenes!.map((s) => s.sceneId)).toEqual(['counter', 'cup']);
    const intro = await frameAt(file, 0.6);
    expect(intro.count('#203040').n / (intro.width * intro.height)).toBeGreaterThan(0.6);
    expect(intro.at(427, Math.round(480 * 0.36))).toSatisfy(([r, g, b]) => r > 200 && g < 60 && b > 200);
    const outro = await frameAt(file, probe.durationSec! - 0.3);
    expect(outro.count('#203040').n / (outro.width * outro.height)).toBeGreaterThan(0.6);

    // In the first scene: the logo top right, the lower third, the caption at the top in the kit's font.
    const cues = parseVtt(await assetText(h, store, outputOf(first.outputs, 'subtitles.vtt').assetId!, dir));
    expect(cues.map((c) => c.text)).toEqual([LINE]);
    const mid = (cues[0]!.startSec + cues[0]!.endSec) / 2;
    const scene = await frameAt(file, mid);
    const [lx, ly] = [854 - 19 - 116 + 58, 19 + 29];
    expect(scene.at(lx, ly)).toSatisfy(([r, g, b]) => r > 200 && g < 60 && b > 200);
    const top = { x: 0, y: 40, width: 854, height: 140 };
    const green = scene.count('#00ff00', top);
    const blue = scene.count('#0000ff', top);
    expect(green.n).toBeGreaterThan(150);
    expect(blue.n).toBeGreaterThan(green.n);
    const [mono, sans] = [
      await referenceWidth(fontsDir, FAMILY),
      await referenceWidth(fontsDir, 'DejaVu Sans'),
    ];
    expect(mono).toBeGreaterThan(sans * 1.3);
    expect(Math.abs(green.extent - mono)).toBeLessThan(mono * 0.08);
    // Nothing green at the bottom, where captions go without a kit.
    expect(scene.count('#00ff00', { x: 0, y: 300, width: 854, height: 180 }).n).toBeLessThan(20);
    const lower = scene.count('#ffcc00', { x: 0, y: 240, width: 427, height: 240 });
    expect(lower.n).toBeGreaterThan(500);

    // The frame's caption strip is set in the kit's heading font (drawn as outlines, so no font is
    // installed): its text matches the strip drawn with that font, not the house face.
    const [frameStep] = await h.db.sql<{ outputs: JobOutput[] }[]>`
      select outputs from job_steps where job_id = ${jobId} and name = 'scene-0/frame'`;
    const framePng = await sharp(
      await assetToFile(h, store, frameStep!.outputs[0]!.assetId!, join(dir, 'frame-0.png')),
    ).toBuffer();
    const kitFont: FrameFont = {
      sha256: 'test',
      font: parseFont(
        await renamedFont('/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf', FAMILY),
      ) as never,
    };
    const colors = { strip: '#333333', text: '#ffffff' };
    const strip = async (font?: FrameFont) =>
      sharp({ create: { width: 854, height: 480, channels: 3, background: '#000000' } })
        .composite([{ input: Buffer.from(frameTextSvg(854, 480, '', 'Ana at the counter', colors, font)!) }])
        .png()
        .toBuffer();
    const rows = 61; // the strip of one caption line at 480p
    const actual = await textMask(framePng, rows);
    const [withKit, withHouse] = [
      await textMask(await strip(kitFont), rows),
      await textMask(await strip(), rows),
    ];
    expect(actual.reduce((n, v) => n + v, 0)).toBeGreaterThan(800);
    expect(iou(actual, withKit)).toBeGreaterThan(0.85);
    expect(iou(actual, withHouse)).toBeLessThan(0.5);

    // The kit's default voice speaks for a character without one of their own.
    const [voice] = await h.db.sql<{ outputs: JobOutput[] }[]>`
      select outputs from job_steps where job_id = ${jobId} and name = 'scene-0/voice'`;
    expect((voice!.outputs[0]!.value as VoiceValue).lines[0]!.voice).toBe('flite-awb');
  }, 240_000);

  it('a new revision re-renders only what it changes: caption colour → shots; music mood → music', async () => {
    const revise = async (change: (s: ReturnType<typeof STYLE>) => object) => {
      const style = change(STYLE(fontId));
      await h.db
        .sql`update brand_kits set style = ${h.db.sql.json(style as never)}, revision = revision + 1 where id = ${kitId}`;
      const jobId = await submitAsApi(h, 'render.video', {
        preset: { resolution: '480p', aspectRatio: '16:9', burnSubtitles: true },
      });
      const row = await finished(h, jobId);
      expect(row.error).toBeNull();
      return statuses(h, jobId);
    };
    const colour = await revise((s) => ({ ...s, captionStyle: { ...s.captionStyle, color: '#ff0000' } }));
    expect(colour).toEqual({
      'scene-0/frame': 'reused',
      'scene-0/voice': 'reused',
      'scene-0/shot': 'completed',
      'scene-1/frame': 'reused',
      'scene-1/voice': 'reused',
      'scene-1/shot': 'completed',
      music: 'reused',
      assemble: 'completed',
    });
    const mood = await revise((s) => ({
      ...s,
      captionStyle: { ...s.captionStyle, color: '#ff0000' },
      musicMood: 'dramatic',
    }));
    expect(mood).toEqual({
      'scene-0/frame': 'reused',
      'scene-0/voice': 'reused',
      'scene-0/shot': 'reused',
      'scene-1/frame': 'reused',
      'scene-1/voice': 'reused',
      'scene-1/shot': 'reused',
      music: 'completed',
      assemble: 'completed',
    });
  }, 240_000);

  it('render.variants stamps the logo at its aspect and records the kit and revision on each variant', async () => {
    const { jobId, params } = await submitVariants(h, project, [{ preset: 'vertical-15' }], {
      resolution: '480p',
    });
    expect(params.brand).toMatchObject({ kitId, revision: 3 });
    const row = await finished(h, jobId);
    expect(row.error).toBeNull();
    const [variant] = await h.db.sql<{ status: string; brand_kit_id: string; brand_kit_revision: number }[]>`
      select status, brand_kit_id, brand_kit_revision from variants where job_id = ${jobId}`;
    expect(variant).toEqual({ status: 'ready', brand_kit_id: kitId, brand_kit_revision: 3 });
    const video = outputOf(row.outputs, variantOutputName('vertical-15', 'video'));
    const file = await assetToFile(h, store, video.assetId!, join(dir, 'branded-vertical.mp4'));
    const value = video.value as RenderVideoValue;
    expect(value.cards).toEqual({ introSec: 2, outroSec: 1.5 });
    const frame = await frameAt(file, value.shots[0]! + 0.5);
    expect([frame.width, frame.height]).toEqual([480, 854]);
    // 22 % × 12 % box: 106 × 53 px, 19 px from the top right corner.
    expect(frame.at(480 - 19 - 53, 19 + 26)).toSatisfy(([r, g, b]) => r > 200 && g < 60 && b > 200);
  }, 240_000);
});
