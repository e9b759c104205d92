import { z } from 'zod';
import { DELIVERABLE_FPS, type FrameRate, frameRate } from '../timecode';
import { buildEdl } from './build-edl';
import { buildFcpxml } from './build-fcpxml';
import { buildOtio } from './build-otio';
import type { RenderCut } from './render-cut';

/** Files a finished render hands over besides its video. */
export const RENDER_DELIVERABLE_KINDS = ['srt', 'vtt', 'edl', 'otio', 'fcpxml'] as const;
export const renderDeliverableKindSchema = z.enum(RENDER_DELIVERABLE_KINDS);
export type RenderDeliverableKind = z.infer<typeof renderDeliverableKindSchema>;

/** `?fps=`: the rate of an EDL, OTIO or FCPXML; absent means the render's own. Subtitles ignore it. */
export const renderDeliverableQuerySchema = z.object({ fps: z.enum(DELIVERABLE_FPS).optional() });

/** What every render deliverable is built from: the cut and the subtitle files the render stored. */
export interface RenderDeliverableSource {
  cut: RenderCut;
  /** The render's `subtitles.srt` and `subtitles.vtt` as stored (UTF-8 text); null when gone from the store. */
  subtitles: { srt: string | null; vtt: string | null };
}

export interface RenderDeliverable {
  /** For people: "CMX3600 EDL". */
  label: string;
  contentType: string;
  /** File extension without the dot. */
  extension: string;
  /** The file's text; `rate` is the timeline's frame rate (subtitles are in milliseconds and ignore it). */
  build(source: RenderDeliverableSource, rate: FrameRate): string;
}

/**
 * Kind → how to make it. Subtitles are the files the render wrote (the VTT gains a NOTE naming the
 * render and version; SRT has no comment syntax); edit decision lists are built from the cut.
 */
export const RENDER_DELIVERABLES: { readonly [K in RenderDeliverableKind]: RenderDeliverable } = {
  srt: {
    label: 'Subtitles (SRT)',
    contentType: 'application/x-subrip; charset=utf-8',
    extension: 'srt',
    build: (s) => s.subtitles.srt ?? '',
  },
  vtt: {
    label: 'Subtitles (WebVTT)',
    contentType: 'text/vtt; charset=utf-8',
    extension: 'vtt',
    build: (s) =>
      (s.subtitles.vtt ?? 'WEBVTT\n').replace(
        /^WEBVTT[^\n]*\n/,
        (head) => `${head}\nNOTE Clapboard render ${s.cut.jobId}, document version ${s.cut.versionId}\n`,
      ),
  },
  edl: {
    label: 'CMX3600 EDL',
    contentType: 'text/plain; charset=utf-8',
    extension: 'edl',
    build: (s, rate) => buildEdl(s.cut, rate),
  },
  otio: {
    label: 'OpenTimelineIO',
    contentType: 'application/json; charset=utf-8',
    extension: 'otio',
    build: (s, rate) => buildOtio(s.cut, rate),
  },
  fcpxml: {
    label: 'Final Cut Pro XML',
    contentType: 'application/xml; charset=utf-8',
    extension: 'fcpxml',
    build: (s, rate) => buildFcpxml(s.cut, rate),
  },
};

/**
 * Builds one deliverable: its bytes' text, content type and a file name such as
 * `harbour-render-1a2b3c4d.edl` (the project's name made safe, the render's short id).
 *
 * @param fps the timeline rate; default the render's own
 */
export function buildRenderDeliverable(
  source: RenderDeliverableSource,
  kind: RenderDeliverableKind,
  fps?: string | number,
): { body: string; contentType: string; fileName: string } {
  const d = RENDER_DELIVERABLES[kind];
  const safe =
    source.cut.title
      .normalize('NFKD')
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'clapboard';
  return {
    body: d.build(source, frameRate(fps ?? source.cut.media.fps)),
    contentType: d.contentType,
    fileName: `${safe}-render-${source.cut.jobId.slice(0, 8)}.${d.extension}`,
  };
}
