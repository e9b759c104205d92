import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { frameSize } from '@clapboard/shared/document';
import { UnrecoverableError } from 'bullmq';
import type { StepContext, StepDefinition, StepResult } from '../../jobs/pipeline';
import { burnedSubtitleStyle } from '../render/render-shot';
import { fetchAsset, storeStepFile } from '../render/step-files';
import { formatSrt } from '../render/subtitle-files';
import type { CheckValue } from './check-step';
import { drawLessonFrame } from './draw-lesson-frame';
import { encodeFrames } from './encode-frames';
import { FaceAnimator } from './face-animator';
import {
  LESSON_FPS,
  type LessonDeps,
  type LessonParams,
  loadPinnedLesson,
  PREVIEW_FPS,
} from './lesson-context';
import { lessonLayout } from './lesson-layout';
import { normalizePortrait, portraitCard } from './portrait-card';
import { presenterPoses } from './presenter-motion';
import type { VoiceValue } from './voice-step';
import { writeRgbToYuv420 } from './yuv';

/** What the picture step hands on: the video without sound. */
export interface PictureValue {
  sha256: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  animated: boolean;
  burnedCaptions: boolean;
}

/** The value of the step named `name` among a step's inputs. */
export function inputValue<T>(
  ctx: StepContext<LessonParams>,
  step: string,
  output: string,
): { value: T; assetId?: string } {
  const out = ctx.inputs[step]?.outputs.find((o) => o.name === output);
  if (!out) throw new UnrecoverableError(`The ${step} step left no ${output}; render again.`);
  return { value: out.value as T, assetId: out.assetId };
}

const filterPath = (p: string) => p.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, "\\'");

/** A stable seed from the lesson id, so a lesson's presenter blinks the same way every render. */
const seedOf = (id: string) => [...id].reduce((h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) | 0, 7);

/**
 * The lesson's picture, without sound. `animated` (a final render): the presenter's card is
 * warped every frame (jaw from the mouth track, blinks, head sway) and drawn into the section's
 * picture, at LESSON_FPS. Otherwise (a preview): the still portrait composited once per section,
 * at PREVIEW_FPS. Frames go to FFmpeg as raw YUV; captions are burned in when the lesson asks.
 */
export function pictureStep(deps: LessonDeps, animated: boolean): StepDefinition<LessonParams> {
  const fps = animated ? LESSON_FPS : PREVIEW_FPS;
  return {
    version: 1,
    cacheInput: async (ctx) => {
      const { content, sections } = await loadPinnedLesson(ctx);
      const check = inputValue<CheckValue>(ctx, 'check', 'face').value;
      const voice = inputValue<VoiceValue>(ctx, 'voice', 'voice').value;
      return {
        animated,
        fps,
        portrait: check.portraitSha256,
        voice: voice.sha256,
        layout: content.layout,
        aspectRatio: content.aspectRatio,
        resolution: content.resolution,
        background: content.background,
        burnCaptions: animated && content.burnCaptions,
        pictures: sections.map((s) => ({ title: s.title, slide: s.slide })),
        quality: deps.quality,
      };
    },
    run: async (ctx) => {
      const { content, sections } = await loadPinnedLesson(ctx);
      const check = inputValue<CheckValue>(ctx, 'check', 'face');
      const voice = inputValue<VoiceValue>(ctx, 'voice', 'voice').value;
      const { width, height } = frameSize(content.resolution, content.aspectRatio);
      const layout = lessonLayout(content.layout, width, height);
      ctx.report({ stage: 'drawing the presenter', progress: 1 });
      const source = join(ctx.scratchDir, 'portrait');
      await fetchAsset(ctx as never, deps.store, check.value.portraitAssetId, source);
      const card = await portraitCard(
        await normalizePortrait(source),
        check.value.rig,
        layout.card.width,
        layout.card.height,
      );
      const bases: Uint8Array[] = [];
      for (const [i, s] of voice.sections.entries()) {
        const section = sections.find((x) => x.id === s.id) ?? sections[i];
        const rgb = await drawLessonFrame({
          width,
          height,
          layout,
          background: content.background,
          picture: { slide: section?.slide ?? null, title: s.title },
          card: card.rgb,
        });
        const yuv = new Uint8Array((width * height * 3) / 2);
        writeRgbToYuv420(rgb, width, height, yuv, width, height, { x: 0, y: 0 });
        bases.push(yuv);
      }
      ctx.report({ stage: 'drawing the presenter', progress: 4, message: `${bases.length} slides drawn` });
      const frames = Math.max(1, Math.round(voice.durationSec * fps));
      // The section shown at each frame: it changes where the next section's speech starts.
      const starts = voice.sections.map((s, i) =>
        i === 0 ? 0 : Math.round(((s.startSec + voice.sections[i - 1]!.endSec) / 2) * fps),
      );
      const sectionAt = (f: number) => {
        let s = 0;
        while (s + 1 < starts.length && starts[s + 1]! <= f) s++;
        return s;
      };
      const slotSection = [-1, -1, -1];
      let draw: (f: number, frame: Uint8Array, slot: number) => void;
      if (animated) {
        const animator = new FaceAnimator(card.rgb, card.width, card.height, card.rig);
        const mouth = Float32Array.from(voice.mouth);
        const poses = presenterPoses(mouth, fps, card.height, seedOf(ctx.params.lessonId));
        const out = new Uint8Array(card.rgb);
        draw = (f, frame, slot) => {
          const s = sectionAt(f);
          if (slotSection[slot] !== s) {
            frame.set(bases[s]!);
            slotSection[slot] = s;
          }
          const pose = poses[Math.min(f, poses.length - 1)]!;
          animator.render(pose, out);
          writeRgbToYuv420(out, card.width, card.height, frame, width, height, layout.card, animator.changed);
        };
      } else
        draw = (f, frame, slot) => {
          const s = sectionAt(f);
          if (slotSection[slot] !== s) {
            frame.set(bases[s]!);
            slotSection[slot] = s;
          }
        };
      const filters: string[] = [];
      const burn = animated && content.burnCaptions && voice.cues.length > 0;
      if (burn) {
        const srt = join(ctx.scratchDir, 'captions.srt');
        await writeFile(srt, formatSrt(voice.cues));
        filters.push(
          `subtitles=filename='${filterPath(srt)}':force_style='${burnedSubtitleStyle(width, height)}'`,
        );
      }
      const out = join(ctx.scratchDir, 'picture.mp4');
      const stage = animated ? 'animating the presenter' : 'drawing the preview';
      await encodeFrames({
        width,
        height,
        fps,
        frames,
        draw,
        out,
        encoder: await deps.encoder(),
        // A preview's picture holds still for seconds: the fastest preset loses nothing there.
        quality: animated ? deps.quality : { preset: 'ultrafast', crf: deps.quality.crf },
        filters,
        signal: ctx.signal,
        onProgress: (p) =>
          ctx.report({
            stage,
            progress: 5 + (p.fraction ?? 0) * 94,
            message: p.speed ? `${p.speed.toFixed(1)}× real time` : undefined,
          }),
      });
      const stored = await storeStepFile(ctx as never, deps.store, {
        file: out,
        kind: 'video',
        mime: 'video/mp4',
        name: animated ? 'lesson-picture.mp4' : 'lesson-preview-picture.mp4',
        width,
        height,
        durationSec: frames / fps,
      });
      const value: PictureValue = {
        sha256: stored.sha256,
        width,
        height,
        fps,
        frames,
        animated,
        burnedCaptions: burn,
      };
      ctx.report({ stage, progress: 100 });
      const result: StepResult = { outputs: [{ name: 'picture', assetId: stored.assetId, value }] };
      return result;
    },
  };
}
