import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LectureAnalysis } from '@clapboard/server/lectures';
import { detectH264Encoder, ffprobe, h264Args, runFfmpeg, serveBlob } from '@clapboard/server/media';
import type { BlobStore } from '@clapboard/server/storage';
import { clipAspectKey, HIGHLIGHT_OUTPUTS, transcriptSchema } from '@clapboard/shared/highlights';
import type { JobOutput, JobPayload } from '@clapboard/shared/jobs';
import type { StepContext, StepDefinition } from '../../jobs/pipeline';
import { loudnormFilter } from '../../media/loudnorm';
import { posterAndStrip } from '../render/poster-and-strip';
import { storeStepFile } from '../render/step-files';
import { formatSrt, formatVtt } from '../render/subtitle-files';
import { assScript, type ClipWord, clipWords, phraseCues, phrases } from './clip-captions';
import { CLIP_SIZES, type ClipAspect, type ClipLayout, clipFilterGraph } from './clip-geometry';
import { clipOf, loadAnalysis, readResult } from './clip-inputs';
import type { PreparedClip } from './prepare-step';

type Params = JobPayload<'highlights.clips'>;

/** H.264 quality of the clips (CRF) and the AAC bitrate. */
const VIDEO_CRF = 21;
const AUDIO_BITRATE = '128k';

/** Why a clip shows another layout than the one asked for, for the job's warnings. */
function layoutWarning(n: number, asked: ClipLayout, used: ClipLayout): string[] {
  if (asked === used) return [];
  return [
    used === 'slide'
      ? `Clip ${n}: no face found, so it shows the slide instead of the ${asked} layout.`
      : `Clip ${n}: no slide on screen in this stretch, so it shows the speaker alone.`,
  ];
}

/** One clip in one aspect, encoded and stored: its four outputs. */
async function encodeAspect(
  ctx: StepContext<Params>,
  store: BlobStore,
  o: {
    n: number;
    clip: Params['clips'][number];
    aspect: ClipAspect;
    prepared: PreparedClip;
    analysis: LectureAnalysis;
    words: ClipWord[];
    /** Reports this aspect's progress 0–1. */
    progress: (fraction: number, stage: string) => void;
  },
): Promise<JobOutput[]> {
  const { n, clip, aspect, prepared } = o;
  const size = CLIP_SIZES[aspect];
  const durationSec = clip.endSec - clip.startSec;
  const captions = phrases(o.words, aspect, durationSec);
  const ak = clipAspectKey(aspect);
  const base = `clip-${n}-${ak}`;
  const f = (suffix: string) => join(ctx.scratchDir, `${base}${suffix}`);
  const files = {
    video: f('.mp4'),
    ass: f('.ass'),
    srt: f('.srt'),
    vtt: f('.vtt'),
    sendcmd: f('.cmd'),
    frame: f('-frame.png'),
    thumb: f('.jpg'),
  };
  const cues = phraseCues(captions);
  await writeFile(files.srt, formatSrt(cues));
  await writeFile(files.vtt, formatVtt(cues));
  const burn = ctx.params.burnCaptions && captions.length > 0;
  if (burn) await writeFile(files.ass, assScript(captions, { ...size, aspect }));
  const picture = clipFilterGraph({
    aspect,
    layout: ctx.params.layout,
    source: prepared.source,
    slide: prepared.slide,
    track: prepared.track,
    sendcmdFile: files.sendcmd,
    assFile: burn ? files.ass : null,
  });
  if (picture.sendcmd) await writeFile(files.sendcmd, picture.sendcmd);

  const served = await serveBlob(store, o.analysis.video.storageKey, o.analysis.video.mime);
  const encoder = await detectH264Encoder();
  const t = durationSec.toFixed(3);
  const audio = prepared.source.hasAudio
    ? [
        '-filter_complex',
        `${picture.graph};[0:a]${loudnormFilter(prepared.loudness)},aformat=channel_layouts=stereo[a]`,
      ]
    : ['-f', 'lavfi', '-t', t, '-i', 'anullsrc=r=48000:cl=stereo', '-filter_complex', picture.graph];
  const stage = `clip ${n} ${aspect}: encoding`;
  try {
    o.progress(0, stage);
    await runFfmpeg(
      [
        '-y',
        '-ss',
        clip.startSec.toFixed(3),
        '-t',
        t,
        '-i',
        served.url,
        ...audio,
        '-map',
        '[v]',
        '-map',
        prepared.source.hasAudio ? '[a]' : '1:a',
        ...h264Args(encoder, { crf: VIDEO_CRF }),
        '-c:a',
        'aac',
        '-b:a',
        AUDIO_BITRATE,
        '-ar',
        '48000',
        '-t',
        t,
        '-movflags',
        '+faststart',
        files.video,
      ],
      { signal: ctx.signal, durationSec, onProgress: (p) => o.progress((p.fraction ?? 0) * 0.9, stage) },
    );
  } finally {
    await served.close();
  }
  const probe = await ffprobe(files.video, { signal: ctx.signal });
  // The thumbnail: the middle of the first caption (the speaker talking, a caption on screen).
  const first = captions[0];
  const at = first ? Math.min(durationSec - 0.1, (first.startSec + first.endSec) / 2) : durationSec / 3;
  await runFfmpeg(['-y', '-ss', at.toFixed(3), '-i', files.video, '-frames:v', '1', files.frame], {
    signal: ctx.signal,
  });
  await writeFile(files.thumb, (await posterAndStrip([files.frame])).poster);
  o.progress(0.95, `clip ${n} ${aspect}: storing`);

  const title = o.analysis.video.title.replace(/[/\\\n\r]+/g, ' ').slice(0, 80);
  const name = `${title} - clip ${n} (${ak})`;
  const save = (file: string, kind: 'video' | 'document' | 'image', mime: string, ext: string, extra = {}) =>
    storeStepFile(ctx as StepContext<never>, store, { file, kind, mime, name: `${name}.${ext}`, ...extra });
  const video = await save(files.video, 'video', 'video/mp4', 'mp4', {
    ...size,
    durationSec: probe.durationSec ?? durationSec,
  });
  const srt = await save(files.srt, 'document', 'application/x-subrip', 'srt');
  const vtt = await save(files.vtt, 'document', 'text/vtt', 'vtt');
  const thumb = await save(files.thumb, 'image', 'image/jpeg', 'jpg', size);
  return [
    {
      name: base,
      assetId: video.assetId,
      value: {
        candidateId: clip.candidateId,
        startSec: clip.startSec,
        endSec: clip.endSec,
        aspect,
        layout: ctx.params.layout,
        layoutUsed: picture.layoutUsed,
        captions: captions.length,
        burnedCaptions: burn,
        warnings: [...prepared.warnings, ...layoutWarning(n, ctx.params.layout, picture.layoutUsed)],
      },
    },
    { name: `${base}-srt`, assetId: srt.assetId },
    { name: `${base}-vtt`, assetId: vtt.assetId },
    { name: `${base}-thumb`, assetId: thumb.assetId },
  ];
}

/**
 * `clip-<n>/encode`: the clip in each aspect the job asks for — the layout's picture (face-tracked
 * crop, split or slide), burned-in captions (ASS via libass) when asked, the audio normalised to
 * −14 LUFS (second `loudnorm` pass), H.264/AAC MP4 — with SRT and VTT sidecars (times from the
 * clip's start) and a JPEG thumbnail. Outputs per aspect `clip-<n>-<9x16|1x1|16x9>` (video),
 * `…-srt`, `…-vtt`, `…-thumb`, each an asset of the project.
 */
export function encodeStep(store: BlobStore): StepDefinition<Params> {
  return {
    version: 1,
    run: async (ctx) => {
      const { clip, n } = clipOf(ctx);
      const prepared = ctx.inputs[`clip-${n}/prepare`]?.outputs[0]?.value as PreparedClip | undefined;
      if (!prepared) throw new Error(`clip ${n}: the prepare step's result is missing`);
      const analysis = await loadAnalysis(ctx, [clip]);
      const transcript = await readResult(store, analysis, HIGHLIGHT_OUTPUTS.transcript, transcriptSchema);
      const words = clipWords(transcript.words, clip.startSec, clip.endSec);
      const aspects = ctx.params.aspects;
      const outputs: JobOutput[] = [];
      for (const [i, aspect] of aspects.entries())
        outputs.push(
          ...(await encodeAspect(ctx, store, {
            n,
            clip,
            aspect,
            prepared,
            analysis,
            words,
            progress: (fraction, stage) =>
              ctx.report({ stage, progress: ((i + fraction) / aspects.length) * 100 }),
          })),
        );
      return { outputs };
    },
  };
}
