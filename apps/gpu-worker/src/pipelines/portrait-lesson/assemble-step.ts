import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ffprobe, runFfmpeg } from '@clapboard/server/media';
import type { StepDefinition } from '../../jobs/pipeline';
import { fetchAsset, storeStepFile } from '../render/step-files';
import { formatVtt } from '../render/subtitle-files';
import { chapterMetadata } from './chapter-metadata';
import { type LessonDeps, type LessonParams, loadPinnedLesson } from './lesson-context';
import { inputValue, type PictureValue } from './picture-step';
import type { VoiceValue } from './voice-step';

/**
 * The finished lesson: the picture and the voice (both stream-copied) in one MP4 with a chapter
 * per section in its chapter track; the captions as WebVTT; a poster (JPEG, a frame a second into
 * the first section). Outputs `video`, `captions`, `poster` and `chapters` (what LMS exports and
 * share links read), plus `warnings` when a voice was replaced.
 */
export function assembleStep(deps: LessonDeps): StepDefinition<LessonParams> {
  return {
    version: 1,
    run: async (ctx) => {
      const { content } = await loadPinnedLesson(ctx);
      const voice = inputValue<VoiceValue>(ctx, 'voice', 'voice');
      const pictureStep = ctx.params.mode === 'preview' ? 'still' : 'animate';
      const picture = inputValue<PictureValue>(ctx, pictureStep, 'picture');
      const dir = ctx.scratchDir;
      ctx.report({ stage: 'assembling', progress: 2 });
      const pictureFile = join(dir, 'picture.mp4');
      const voiceFile = join(dir, 'voice.m4a');
      await fetchAsset(ctx as never, deps.store, picture.assetId!, pictureFile);
      await fetchAsset(ctx as never, deps.store, voice.assetId!, voiceFile);
      const v = voice.value;
      const meta = join(dir, 'chapters.txt');
      const title = content.title.trim() || 'Lesson';
      await writeFile(meta, chapterMetadata(title, v.chapters, v.durationSec));
      const out = join(dir, 'lesson.mp4');
      await runFfmpeg(
        [
          '-y',
          '-i',
          pictureFile,
          '-i',
          voiceFile,
          '-f',
          'ffmetadata',
          '-i',
          meta,
          '-map',
          '0:v',
          '-map',
          '1:a',
          '-map_metadata',
          '2',
          '-map_chapters',
          '2',
          // Both streams were encoded by their steps: the assembly only copies them.
          '-c',
          'copy',
          '-movflags',
          '+faststart',
          out,
        ],
        {
          durationSec: v.durationSec,
          signal: ctx.signal,
          onProgress: (p) => ctx.report({ stage: 'assembling', progress: 5 + (p.fraction ?? 0) * 75 }),
        },
      );
      const probe = await ffprobe(out, { signal: ctx.signal });
      const durationSec = probe.durationSec ?? v.durationSec;
      const captions = join(dir, 'lesson.vtt');
      await writeFile(captions, formatVtt(v.cues));
      const poster = join(dir, 'poster.jpg');
      const posterAt = Math.min(durationSec - 0.05, (v.sections[0]?.startSec ?? 0) + 1);
      await runFfmpeg(
        ['-y', '-ss', Math.max(0, posterAt).toFixed(3), '-i', out, '-frames:v', '1', '-q:v', '3', poster],
        { signal: ctx.signal },
      );
      ctx.report({ stage: 'storing the lesson', progress: 90 });
      const safe = title.replace(/[/\\]/g, '-').slice(0, 120);
      const suffix = ctx.params.mode === 'preview' ? ' (preview)' : '';
      const video = await storeStepFile(ctx as never, deps.store, {
        file: out,
        kind: 'video',
        mime: 'video/mp4',
        name: `${safe}${suffix}.mp4`,
        width: picture.value.width,
        height: picture.value.height,
        durationSec,
        probe: { chapters: v.chapters.length, fps: picture.value.fps, animated: picture.value.animated },
      });
      const vtt = await storeStepFile(ctx as never, deps.store, {
        file: captions,
        kind: 'document',
        mime: 'text/vtt',
        name: `${safe}${suffix}.vtt`,
      });
      const image = await storeStepFile(ctx as never, deps.store, {
        file: poster,
        kind: 'image',
        mime: 'image/jpeg',
        name: `${safe}${suffix} poster.jpg`,
        width: picture.value.width,
        height: picture.value.height,
      });
      ctx.report({ stage: 'lesson ready', progress: 100 });
      return {
        outputs: [
          { name: 'video', assetId: video.assetId, value: { durationSec, mode: ctx.params.mode } },
          { name: 'captions', assetId: vtt.assetId },
          { name: 'poster', assetId: image.assetId },
          { name: 'chapters', value: v.chapters },
          ...(v.warnings?.length ? [{ name: 'warnings', value: v.warnings }] : []),
        ],
      };
    },
  };
}
