import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveJobFile } from '@clapboard/server/assets';
import { type AspectRatio, frameSize } from '@clapboard/shared/document';
import type { JobOutput } from '@clapboard/shared/jobs';
import { inPool } from '../../jobs/in-pool';
import type { StepDefinition, StepResult } from '../../jobs/pipeline';
import { readCachedStep, stepCacheKey, writeCachedStep } from '../../jobs/step-cache';
import { brandOf, fontSha, frameColors, frameFont, shotBrandKey } from '../render/brand-kit';
import { brandFiles, brandShotExtras } from '../render/brand-shot';
import type { RenderDeps } from '../render/render-context';
import { loadRenderDocument, type RenderDocument } from '../render/render-document';
import { burnedSubtitleStyle, renderShots, type ShotOutput } from '../render/render-shot';
import { fetchAsset } from '../render/step-files';
import { formatSrt } from '../render/subtitle-files';
import { type PlateValue, reframePlate } from './reframe';
import {
  matrixTransition,
  type SceneVoice,
  sceneVoices,
  type VariantsParams,
  type VariantsStepContext,
  variantFits,
} from './variant-context';

/** One shot the matrix needs: a scene at an aspect, a length and a number of kept lines. */
export interface ShotSpec {
  scene: number;
  aspect: AspectRatio;
  width: number;
  height: number;
  /** Its length in the variants that show it this way (seconds, whole frames). */
  durationSec: number;
  /** Lines kept (the scene's first `lines`). */
  lines: number;
  /** Its output's name, `shot/<scene>/<width>x<height>/<frames>/<lines>`. */
  name: string;
}

/** What the shots step records per shot (the body is the output's asset). */
export interface VariantShotValue {
  /** Identity of the whole shot (a hash of its content address). */
  sha256: string;
  durationSec: number;
  headAssetId: string | null;
  tailAssetId: string | null;
}

/** The name of a shot's output in the shots step. */
export function shotName(
  scene: number,
  size: { width: number; height: number },
  sec: number,
  fps: number,
  lines: number,
) {
  return `shot/${scene}/${size.width}x${size.height}/${Math.round(sec * fps)}/${lines}`;
}

/**
 * Every distinct shot the variants need: a scene kept by two variants of one aspect at the same
 * length and lines is one shot (vertical-15 and vertical-30 share the scenes both keep whole).
 */
export function shotSpecs(
  params: VariantsParams,
  fits: ReturnType<typeof variantFits>,
  fps: number,
): ShotSpec[] {
  const specs = new Map<string, ShotSpec>();
  params.variants.forEach((v, k) => {
    const size = frameSize(params.resolution, v.aspectRatio);
    for (const s of fits[k]!.scenes) {
      const name = shotName(s.scene, size, s.sec, fps, s.lines);
      if (!specs.has(name))
        specs.set(name, {
          scene: s.scene,
          aspect: v.aspectRatio,
          ...size,
          durationSec: s.sec,
          lines: s.lines,
          name,
        });
    }
  });
  return [...specs.values()];
}

interface Inputs {
  doc: RenderDocument;
  voices: SceneVoice[];
  plates: Array<{ assetId: string; value: PlateValue }>;
  specs: ShotSpec[];
  fps: number;
  transitionSec: number;
}

async function inputsOf(ctx: VariantsStepContext): Promise<Inputs> {
  const doc = await loadRenderDocument(ctx.sql, ctx.jobId);
  const voices = sceneVoices(ctx, doc);
  const plates = doc.scenes.map((_, i) => {
    const out = ctx.inputs[`scene-${i}/frame`]?.outputs.find((o) => o.name === 'frame');
    if (!out?.assetId) throw new Error(`Step scene-${i}/frame left no plate.`);
    return { assetId: out.assetId, value: out.value as PlateValue };
  });
  const fps = doc.settings.fps;
  const specs = shotSpecs(ctx.params, variantFits(ctx.params, doc, voices), fps);
  return { doc, voices, plates, specs, fps, transitionSec: matrixTransition(doc).transitionSec };
}

/** The kept lines of a spec's scene (shot-relative), as the voice step timed them. */
const keptLines = (i: Inputs, spec: ShotSpec) => i.voices[spec.scene]!.lines.slice(0, spec.lines);

/** Everything a shot's pixels depend on: its content address. */
async function shotIdentity(ctx: VariantsStepContext, deps: RenderDeps, i: Inputs, spec: ShotSpec) {
  const scene = i.doc.scenes[spec.scene]!;
  const plate = i.plates[spec.scene]!.value;
  const brand = brandOf(ctx.params);
  const burn = ctx.params.burnSubtitles;
  return {
    plate: plate.sha256,
    size: [spec.width, spec.height],
    durationSec: spec.durationSec,
    camera: scene.camera,
    text: plate.textBaked ? null : { heading: scene.heading, caption: scene.synopsis },
    colors: frameColors(brand),
    // The kit's heading font sets the frame text (absent without one: those keys stay as they were).
    font: brand ? (fontSha(brand, brand.style.headingFontId) ?? undefined) : undefined,
    lines: burn ? keptLines(i, spec).map((l) => [l.character, l.text, l.startSec, l.endSec]) : null,
    burnStyle: burn && !brand ? burnedSubtitleStyle(spec.width, spec.height) : undefined,
    brand: await shotBrandKey(deps.store, brand, ctx.jobId, { burn, firstScene: spec.scene === 0 }),
    fps: i.fps,
    transitionSec: i.transitionSec,
    encoder: await deps.encoder(),
    quality: deps.quality,
  };
}

/** How many scenes' shot processes run at once (each encodes every aspect the scene needs). */
const PARALLEL_SCENES = 2;

/**
 * Shots step of a variant matrix: every distinct shot the variants need (`shotSpecs`), each the
 * scene's plate reframed to its aspect around the people in it, with its heading and caption, the
 * kept lines burned in (in the kit's caption style with its lower third and logo when the render
 * has a kit), animated by the scene's camera move for its fitted length and cut for the
 * transitions. One FFmpeg process per scene encodes all of its aspects (`renderShots`). Each shot
 * is kept under its content address as soon as it is made, so a retry, or a later matrix, makes
 * only the shots that changed (a caption colour re-renders the shots, not the voices).
 */
export function shotsStep(deps: RenderDeps): StepDefinition<VariantsParams> {
  const keyOf = (ctx: VariantsStepContext, identity: unknown) =>
    stepCacheKey(ctx.projectId, 'render.variants', 'variant-shot', 1, identity);
  return {
    version: 1,
    cacheInput: async (ctx) => {
      const i = await inputsOf(ctx);
      return { shots: await Promise.all(i.specs.map((s) => shotIdentity(ctx, deps, i, s))) };
    },
    run: async (ctx) => {
      const i = await inputsOf(ctx);
      const encoder = await deps.encoder();
      const made = new Map<string, JobOutput>();
      const missing: Array<{ spec: ShotSpec; key: string }> = [];
      for (const spec of i.specs) {
        const key = keyOf(ctx, await shotIdentity(ctx, deps, i, spec));
        const hit = await readCachedStep(ctx.sql, key);
        const body = hit?.outputs.find((o) => o.name === 'body');
        if (body?.assetId && hit) made.set(spec.name, shotOutput(spec, key, hit));
        else missing.push({ spec, key });
      }
      const total = missing.reduce((s, m) => s + m.spec.durationSec, 0) || 1;
      let done = 0;
      const report = (extra: number, scene?: number) =>
        ctx.report({
          stage: 'shots: encoding',
          progress: Math.min(99, ((done + extra) / total) * 100),
          message: `${made.size} of ${i.specs.length} shots${scene === undefined ? '' : `, scene ${scene + 1}`}`,
        });
      report(0);
      const brand = brandOf(ctx.params);
      const files = brand ? await brandFiles(deps.store, brand, ctx.jobId, ctx.scratchDir) : null;
      const font = await frameFont(deps.store, brand);
      const byScene = new Map<number, typeof missing>();
      for (const m of missing) byScene.set(m.spec.scene, [...(byScene.get(m.spec.scene) ?? []), m]);
      await inPool([...byScene.entries()], PARALLEL_SCENES, async ([sceneIndex, group]) => {
        const scene = i.doc.scenes[sceneIndex]!;
        const plate = i.plates[sceneIndex]!;
        // Phase timings go to the log: where the matrix spends its time is what to tune next.
        let mark = performance.now();
        const phases: Record<string, number> = {};
        const lap = (name: string) => {
          phases[name] = Math.round(performance.now() - mark);
          mark = performance.now();
        };
        const plateFile = join(ctx.scratchDir, `plate-${sceneIndex}.png`);
        await fetchAsset(ctx as never, deps.store, plate.assetId, plateFile);
        const plateBytes = await readFile(plateFile);
        const burn = ctx.params.burnSubtitles;
        const T = i.transitionSec;
        const outputs: ShotOutput[] = [];
        for (const [k, { spec }] of group.entries()) {
          const tag = `${sceneIndex}-${k}`;
          const frame = join(ctx.scratchDir, `frame-${tag}.png`);
          await writeFile(
            frame,
            await reframePlate(plateBytes, plate.value, spec, {
              heading: scene.heading,
              caption: scene.synopsis,
              colors: frameColors(brand),
              ...(font ? { font } : {}),
            }),
          );
          const lines = keptLines(i, spec);
          let srt: string | undefined;
          if (!files && burn && lines.length) {
            srt = join(ctx.scratchDir, `lines-${tag}.srt`);
            await writeFile(
              srt,
              formatSrt(
                lines.map((l) => ({
                  startSec: l.startSec,
                  endSec: l.endSec,
                  text: l.text,
                  speaker: l.character,
                })),
              ),
            );
          }
          const extras = files
            ? await brandShotExtras(files, {
                width: spec.width,
                height: spec.height,
                durationSec: spec.durationSec,
                lines: burn ? lines : null,
                firstScene: sceneIndex === 0,
                tag,
              })
            : {};
          const D = spec.durationSec;
          const split = T > 0 && D > 2 * T;
          outputs.push({
            frame,
            out: join(ctx.scratchDir, split ? `shot-${tag}-%d.mp4` : `shot-${tag}.mp4`),
            width: spec.width,
            height: spec.height,
            durationSec: D,
            camera: scene.camera,
            splitAt: split ? [T, D - T] : [],
            ...(srt ? { burnSubtitles: srt } : {}),
            ...extras,
          });
        }
        const seconds = group.reduce((s, m) => s + m.spec.durationSec, 0);
        lap('framesMs');
        await renderShots({
          outputs,
          fps: i.fps,
          encoder,
          quality: deps.quality,
          scratchDir: ctx.scratchDir,
          signal: ctx.signal,
          // FFmpeg reports the longest output's time; every output advances together.
          onProgress: (p) => report((p.fraction ?? 0) * seconds, sceneIndex),
        });
        lap('encodeMs');
        for (const [k, { spec, key }] of group.entries()) {
          const tag = `${sceneIndex}-${k}`;
          const split = outputs[k]!.splitAt.length > 0;
          const parts = split
            ? ([
                ['head', `shot-${tag}-0.mp4`],
                ['body', `shot-${tag}-1.mp4`],
                ['tail', `shot-${tag}-2.mp4`],
              ] as const)
            : ([['body', `shot-${tag}.mp4`]] as const);
          const kept: JobOutput[] = [];
          for (const [part, file] of parts) {
            // Kept as soon as it is made (not removed if a later scene fails): a retry reuses it.
            const assetId = await saveJobFile(ctx.sql, deps.store, {
              projectId: ctx.projectId,
              jobId: ctx.jobId,
              file: join(ctx.scratchDir, file),
              kind: 'video',
              mime: 'video/mp4',
              name: `${part}-${spec.name.replaceAll('/', '-')}.mp4`,
              width: spec.width,
              height: spec.height,
            });
            kept.push({ name: part, assetId });
          }
          const result: StepResult = { outputs: kept };
          await writeCachedStep(ctx.sql, ctx.projectId, key, 'variant-shot', result);
          made.set(spec.name, shotOutput(spec, key, result));
        }
        lap('storeMs');
        ctx.log.info({ scene: sceneIndex + 1, shots: group.length, seconds, phases }, 'scene shots made');
        done += seconds;
        report(0, sceneIndex);
      });
      ctx.report({ stage: 'shots: done', progress: 100, message: `${i.specs.length} shots ready` });
      return { outputs: i.specs.map((s) => made.get(s.name)!) };
    },
  };
}

/** A kept shot as the step's output: its body's asset, its head and tail in the value. */
function shotOutput(spec: ShotSpec, key: string, kept: StepResult): JobOutput {
  const part = (name: string) => kept.outputs.find((o) => o.name === name)?.assetId ?? null;
  const value: VariantShotValue = {
    sha256: createHash('sha256').update(key).digest('hex'),
    durationSec: spec.durationSec,
    headAssetId: part('head'),
    tailAssetId: part('tail'),
  };
  return { name: spec.name, assetId: part('body')!, value };
}
