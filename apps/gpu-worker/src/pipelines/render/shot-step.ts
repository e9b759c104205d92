import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { transitionSeconds } from '@clapboard/shared/render-timing';
import type { StepDefinition, StepResult } from '../../jobs/pipeline';
import { brandOf, shotBrandKey } from './brand-kit';
import { brandFiles, brandShotExtras } from './brand-shot';
import {
  outputSize,
  type RenderDeps,
  type RenderParams,
  type RenderStepContext,
  sceneOf,
  transitionOf,
} from './render-context';
import { loadRenderDocument } from './render-document';
import { burnedSubtitleStyle, renderShot } from './render-shot';
import { fetchAsset, storeStepFile } from './step-files';
import { formatSrt } from './subtitle-files';
import type { VoiceValue } from './voice-step';

/** The named output of an upstream step of this scene (`scene-2/frame` → its `frame` output). */
export function upstream(inputs: Record<string, StepResult>, key: string, name: string) {
  const out = inputs[key]?.outputs.find((o) => o.name === name);
  if (!out) throw new Error(`Step ${key} left no ${name} output.`);
  return out;
}

async function inputsOf(ctx: RenderStepContext) {
  const doc = await loadRenderDocument(ctx.sql, ctx.jobId);
  const { scene, index } = sceneOf(ctx, doc);
  const frame = upstream(ctx.inputs, `scene-${index}/frame`, 'frame');
  const voice = upstream(ctx.inputs, `scene-${index}/voice`, 'voice');
  const fps = doc.settings.fps;
  return {
    scene,
    index,
    frame: { assetId: frame.assetId!, sha256: (frame.value as { sha256: string }).sha256 },
    voice: voice.value as VoiceValue,
    fps,
    transitionSec: transitionSeconds(transitionOf(ctx, doc), fps),
  };
}

/**
 * What a shot step outputs as `shot` (its body asset). When the film has transitions the shot comes
 * in three parts, `shot-head` (the first `headSec`), `shot` (the body) and `shot-tail` (the last
 * `tailSec`); otherwise `shot` is the whole shot and both are 0.
 */
export interface ShotValue {
  /** Identity of the whole shot (a hash over its parts' contents). */
  sha256: string;
  durationSec: number;
  headSec: number;
  tailSec: number;
}

/**
 * Shot step: the frame animated by the scene's camera move for the shot's length at the project
 * fps, with the scene's lines burned in when the preset asks (in the brand kit's caption style
 * when the render has a kit, which also stamps its logo and, on the first scene, its lower
 * third), encoded with the final settings, in parts cut where the transitions will join it
 * (see ShotValue).
 */
export function shotStep(deps: RenderDeps): StepDefinition<RenderParams> {
  return {
    version: 2,
    cacheInput: async (ctx) => {
      const { scene, index, frame, voice, fps, transitionSec } = await inputsOf(ctx);
      const burn = ctx.params.preset.burnSubtitles;
      return {
        frame: frame.sha256,
        durationSec: voice.durationSec,
        lines: burn ? voice.lines.map((l) => [l.character, l.text, l.startSec, l.endSec]) : null,
        // Only burned shots depend on the style (undefined keys leave other shots' keys as they were).
        burnStyle: burn ? burnedSubtitleStyle(outputSize(ctx).width, outputSize(ctx).height) : undefined,
        camera: scene.camera,
        size: outputSize(ctx),
        fps,
        transitionSec,
        encoder: await deps.encoder(),
        quality: deps.quality,
        // The kit's captions, lower third and logo (undefined without a kit: keys as they were).
        brand: await shotBrandKey(deps.store, brandOf(ctx.params), ctx.jobId, {
          burn,
          firstScene: index === 0,
        }),
      };
    },
    run: async (ctx) => {
      const { scene, index, frame, voice, fps, transitionSec } = await inputsOf(ctx);
      const { width, height } = outputSize(ctx);
      const label = `scene ${index + 1}`;
      const frameFile = join(ctx.scratchDir, 'frame.png');
      await fetchAsset(ctx as never, deps.store, frame.assetId, frameFile);
      const brand = brandOf(ctx.params);
      const burn = ctx.params.preset.burnSubtitles;
      const extras = brand
        ? await brandShotExtras(await brandFiles(deps.store, brand, ctx.jobId, ctx.scratchDir), {
            width,
            height,
            durationSec: voice.durationSec,
            lines: burn ? voice.lines : null,
            firstScene: index === 0,
            tag: 'shot',
          })
        : {};
      let srt: string | undefined;
      if (!brand && burn && voice.lines.length) {
        srt = join(ctx.scratchDir, 'lines.srt');
        await writeFile(
          srt,
          formatSrt(
            voice.lines.map((l) => ({
              startSec: l.startSec,
              endSec: l.endSec,
              text: l.text,
              speaker: l.character,
            })),
          ),
        );
      }
      const D = voice.durationSec;
      const T = transitionSec;
      // Head and tail are what the transitions blend; the body is stream-copied into the film.
      const split = T > 0 && D > 2 * T;
      const out = join(ctx.scratchDir, split ? 'shot-%d.mp4' : 'shot.mp4');
      await renderShot({
        frame: frameFile,
        out,
        width,
        height,
        fps,
        durationSec: D,
        camera: scene.camera,
        splitAt: split ? [T, D - T] : [],
        burnSubtitles: srt,
        ...extras,
        encoder: await deps.encoder(),
        quality: deps.quality,
        scratchDir: ctx.scratchDir,
        signal: ctx.signal,
        onProgress: (p) =>
          ctx.report({
            stage: `${label}: shot`,
            progress: (p.fraction ?? 0) * 95,
            message: `${label}: ${p.outTimeSec.toFixed(1)} of ${D.toFixed(1)} s (${scene.camera})`,
          }),
      });
      const parts = split
        ? ([
            ['shot-head', 0, T],
            ['shot', 1, D - 2 * T],
            ['shot-tail', 2, T],
          ] as const)
        : ([['shot', 0, D]] as const);
      const stored = await Promise.all(
        parts.map(async ([name, k, seconds]) => {
          const file = split ? join(ctx.scratchDir, `shot-${k}.mp4`) : out;
          const saved = await storeStepFile(ctx as never, deps.store, {
            file,
            kind: 'video',
            mime: 'video/mp4',
            name: `${name}-${index + 1}.mp4`,
            width,
            height,
            durationSec: seconds,
          });
          return { name, seconds, ...saved };
        }),
      );
      const value: ShotValue = {
        sha256: createHash('sha256')
          .update(stored.map((p) => p.sha256).join(','))
          .digest('hex'),
        durationSec: D,
        headSec: split ? T : 0,
        tailSec: split ? T : 0,
      };
      return {
        outputs: stored.map((p) => ({
          name: p.name,
          assetId: p.assetId,
          value: p.name === 'shot' ? value : { sha256: p.sha256, durationSec: p.seconds },
        })),
      };
    },
  };
}
