import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { transitionSeconds } from '@clapboard/shared/render-timing';
import type { StepDefinition, StepResult } from '../../jobs/pipeline';
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
 * Shot step: the frame animated by the scene's camera move for the shot's length at the project
 * fps, with the scene's lines burned in when the preset asks, encoded with the final settings and
 * keyframes where the transitions will cut it.
 */
export function shotStep(deps: RenderDeps): StepDefinition<RenderParams> {
  return {
    version: 1,
    cacheInput: async (ctx) => {
      const { scene, frame, voice, fps, transitionSec } = await inputsOf(ctx);
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
      };
    },
    run: async (ctx) => {
      const { scene, index, frame, voice, fps, transitionSec } = await inputsOf(ctx);
      const { width, height } = outputSize(ctx);
      const label = `scene ${index + 1}`;
      const frameFile = join(ctx.scratchDir, 'frame.png');
      await fetchAsset(ctx as never, deps.store, frame.assetId, frameFile);
      let srt: string | undefined;
      if (ctx.params.preset.burnSubtitles && voice.lines.length) {
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
      const out = join(ctx.scratchDir, 'shot.mp4');
      await renderShot({
        frame: frameFile,
        out,
        width,
        height,
        fps,
        durationSec: voice.durationSec,
        camera: scene.camera,
        keyframesAt: transitionSec > 0 ? [transitionSec, voice.durationSec - transitionSec] : [],
        burnSubtitles: srt,
        encoder: await deps.encoder(),
        quality: deps.quality,
        scratchDir: ctx.scratchDir,
        signal: ctx.signal,
        onProgress: (p) =>
          ctx.report({
            stage: `${label}: shot`,
            progress: (p.fraction ?? 0) * 95,
            message: `${label}: ${p.outTimeSec.toFixed(1)} of ${voice.durationSec.toFixed(1)} s (${scene.camera})`,
          }),
      });
      const stored = await storeStepFile(ctx as never, deps.store, {
        file: out,
        kind: 'video',
        mime: 'video/mp4',
        name: `shot-${index + 1}.mp4`,
        width,
        height,
        durationSec: voice.durationSec,
      });
      return {
        outputs: [
          {
            name: 'shot',
            assetId: stored.assetId,
            value: { sha256: stored.sha256, durationSec: voice.durationSec },
          },
        ],
      };
    },
  };
}
