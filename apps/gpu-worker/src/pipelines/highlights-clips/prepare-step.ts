import type { LectureAnalysis } from '@clapboard/server/lectures';
import { ffprobe, serveBlob } from '@clapboard/server/media';
import type { BlobStore } from '@clapboard/server/storage';
import {
  type Box,
  HIGHLIGHT_OUTPUTS,
  type LayoutSpan,
  layoutResultSchema,
} from '@clapboard/shared/highlights';
import type { JobPayload } from '@clapboard/shared/jobs';
import type { StepDefinition } from '../../jobs/pipeline';
import { type LoudnormMeasurement, measureLoudnorm } from '../../media/loudnorm';
import { sharedFaceDetector } from '../../vision/shared-face-detector';
import { type FaceSample, faceRegion, type SpeakerTrack, smoothTrack } from './clip-geometry';
import { clipOf, loadAnalysis, readResult } from './clip-inputs';
import { trackSpeaker } from './track-speaker';

type Params = JobPayload<'highlights.clips'>;

/** What `prepare` hands each aspect's encode (the value of its one output). */
export interface PreparedClip {
  source: { width: number; height: number; hasAudio: boolean };
  /** The slide's area in this clip (the layout analysis'), or null for the whole frame. */
  slide: Box | null;
  /** The speaker's smoothed face path, or null (slide layout, or no face anywhere in the clip). */
  track: SpeakerTrack | null;
  /** How many sampled frames had a face (of how many), and where the track came from. */
  faces: { found: number; sampled: number; from: 'detector' | 'layout' | 'none' };
  loudness: LoudnormMeasurement | null;
  warnings: string[];
}

/** The layout spans overlapping `[start, end)`, most overlap first. */
function overlapping(spans: readonly LayoutSpan[], start: number, end: number): LayoutSpan[] {
  const overlap = (s: LayoutSpan) => Math.min(end, s.endSec) - Math.max(start, s.startSec);
  return spans.filter((s) => overlap(s) > 0).sort((a, b) => overlap(b) - overlap(a));
}

/**
 * `clip-<n>/prepare`: what every aspect of one clip shares, measured once — the source's size, the
 * slide's area from the layout analysis, the speaker's face tracked on sampled frames and smoothed
 * (for the speaker and split layouts; the analysis' face boxes where the detector finds none), and
 * the span's loudness (the first `loudnorm` pass).
 */
export function prepareStep(store: BlobStore): StepDefinition<Params> {
  return {
    version: 1,
    cacheInput: (ctx) => {
      const { clip } = clipOf(ctx);
      const p = ctx.params;
      return { lectureId: p.lectureId, analysisJobId: p.analysisJobId, clip, tracked: p.layout !== 'slide' };
    },
    run: async (ctx) => {
      const { clip, n } = clipOf(ctx);
      const durationSec = clip.endSec - clip.startSec;
      const analysis: LectureAnalysis = await loadAnalysis(ctx, [clip]);
      const spans = (await readResult(store, analysis, HIGHLIGHT_OUTPUTS.layout, layoutResultSchema)).spans;
      const here = overlapping(spans, clip.startSec, clip.endSec);
      const slide = here.find((s) => s.slide)?.slide ?? null;
      const warnings: string[] = [];
      const served = await serveBlob(store, analysis.video.storageKey, analysis.video.mime);
      try {
        ctx.report({ stage: `clip ${n}: reading the lecture`, progress: 2 });
        const probe = await ffprobe(served.url, { signal: ctx.signal });
        const v = probe.streams.find((s) => s.codecType === 'video');
        if (!v?.width || !v.height) throw new Error('The lecture video has no readable picture.');
        const source = {
          width: v.width,
          height: v.height,
          hasAudio: probe.streams.some((s) => s.codecType === 'audio'),
        };
        let samples: FaceSample[] = [];
        let from: PreparedClip['faces']['from'] = 'none';
        if (ctx.params.layout !== 'slide') {
          samples = await trackSpeaker(served.url, {
            startSec: clip.startSec,
            durationSec,
            source,
            region:
              faceRegion(
                here.flatMap((s) => (s.face ? [s.face] : [])),
                source,
              ) ?? undefined,
            detector: await sharedFaceDetector(),
            dir: ctx.scratchDir,
            signal: ctx.signal,
            onProgress: (f) => ctx.report({ stage: `clip ${n}: tracking the speaker`, progress: 5 + f * 75 }),
          });
          from = samples.some((s) => s.box) ? 'detector' : 'none';
          if (from === 'none') {
            // The detector missed (a small or turned face): the layout analysis' face boxes instead.
            samples = samples.map((s) => ({
              t: s.t,
              box:
                spans.find(
                  (x) => x.face && clip.startSec + s.t >= x.startSec && clip.startSec + s.t < x.endSec,
                )?.face ?? null,
            }));
            if (samples.some((s) => s.box)) from = 'layout';
          }
        }
        ctx.report({ stage: `clip ${n}: measuring loudness`, progress: 82 });
        const loudness = source.hasAudio
          ? await measureLoudnorm(served.url, { startSec: clip.startSec, durationSec, signal: ctx.signal })
          : null;
        if (!source.hasAudio) warnings.push(`Clip ${n}: the lecture video has no sound; the clip is silent.`);
        const value: PreparedClip = {
          source,
          slide,
          track: smoothTrack(samples),
          faces: { found: samples.filter((s) => s.box).length, sampled: samples.length, from },
          loudness,
          warnings,
        };
        return { outputs: [{ name: `clip-${n}-prepared`, value }] };
      } finally {
        await served.close();
      }
    },
  };
}
