import type { Box, CLIP_ASPECTS, CLIP_LAYOUTS } from '@clapboard/shared/highlights';

export type ClipAspect = (typeof CLIP_ASPECTS)[number];
export type ClipLayout = (typeof CLIP_LAYOUTS)[number];

/** Output frame size per aspect (720p class: what social players show, quick to encode on CPUs). */
export const CLIP_SIZES: Readonly<Record<ClipAspect, { width: number; height: number }>> = {
  '9:16': { width: 720, height: 1280 },
  '1:1': { width: 720, height: 720 },
  '16:9': { width: 1280, height: 720 },
};

/** A face found on a sampled frame (source pixels), or none at `t` (seconds from the clip start). */
export interface FaceSample {
  t: number;
  box: Box | null;
}

/** The speaker's face over a clip: its typical height and the smoothed centre at each sample time. */
export interface SpeakerTrack {
  faceHeight: number;
  points: Array<{ t: number; cx: number; cy: number }>;
}

const median = (xs: number[]) => {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
};

/**
 * Turns per-frame detections into a steady camera path: frames without a face take the nearest
 * detection in time, then the centre is smoothed forwards and backwards with a one-pole filter of
 * time constant `tauSec` (zero phase: the crop neither lags nor jumps ahead of the speaker).
 *
 * @returns null when no sample has a face
 */
export function smoothTrack(samples: readonly FaceSample[], tauSec = 0.6): SpeakerTrack | null {
  const known = samples.filter((s): s is FaceSample & { box: Box } => s.box !== null);
  if (!known.length) return null;
  const nearest = (t: number) =>
    known.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best)).box;
  const raw = samples.map((s) => {
    const b = s.box ?? nearest(s.t);
    return { t: s.t, cx: b.x + b.width / 2, cy: b.y + b.height / 2 };
  });
  const pass = (pts: typeof raw) => {
    const out = [pts[0]!];
    for (let i = 1; i < pts.length; i++) {
      const a = 1 - Math.exp(-Math.abs(pts[i]!.t - pts[i - 1]!.t) / tauSec);
      const prev = out[i - 1]!;
      out.push({
        t: pts[i]!.t,
        cx: prev.cx + a * (pts[i]!.cx - prev.cx),
        cy: prev.cy + a * (pts[i]!.cy - prev.cy),
      });
    }
    return out;
  };
  const points = pass(pass(raw).reverse()).reverse();
  return { faceHeight: median(known.map((s) => s.box.height)), points };
}

/** Share of the crop's height the face fills: head and shoulders. */
const FACE_SHARE = 0.3;
/** The face's centre sits this far down the crop (eyes near the upper third). */
const FACE_CENTRE_Y = 0.42;
const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));

/** A moving crop of the source: fixed size, its top-left corner at each sample time. */
export interface CropPath {
  width: number;
  height: number;
  keys: Array<{ t: number; x: number; y: number }>;
}

/**
 * The crop of `source` that follows the speaker with aspect `ratio` (width / height): sized so the
 * face fills about a third of its height, never larger than the frame, kept inside the frame.
 */
export function cropPath(
  track: SpeakerTrack,
  source: { width: number; height: number },
  ratio: number,
): CropPath {
  let h = Math.min(source.height, Math.max(64, track.faceHeight / FACE_SHARE));
  let w = h * ratio;
  if (w > source.width) {
    w = source.width;
    h = w / ratio;
  }
  const width = Math.min(even(w), source.width - (source.width % 2));
  const height = Math.min(even(h), source.height - (source.height % 2));
  const clamp = (v: number, max: number) => Math.round(Math.min(Math.max(0, v), Math.max(0, max)));
  return {
    width,
    height,
    keys: track.points.map((p) => ({
      t: p.t,
      x: clamp(p.cx - width / 2, source.width - width),
      y: clamp(p.cy - height * FACE_CENTRE_Y, source.height - height),
    })),
  };
}

/**
 * FFmpeg `sendcmd` commands that move crop `target` along the path: from each key to the next
 * the corner moves linearly in the frame time `t`, so the pan is smooth between samples.
 */
export function sendcmdScript(target: string, path: CropPath): string {
  const lines: string[] = [];
  path.keys.forEach((k, i) => {
    const next = path.keys[i + 1];
    const expr = (a: number, b: number | undefined) =>
      next && b !== undefined && b !== a
        ? `${a}+(${b - a})*(t-${k.t.toFixed(3)})/${(next.t - k.t).toFixed(3)}`
        : `${a}`;
    lines.push(`${k.t.toFixed(3)} ${target} x '${expr(k.x, next?.x)}', ${target} y '${expr(k.y, next?.y)}';`);
  });
  return `${lines.join('\n')}\n`;
}

/** A box (the slide's area) clamped into the frame in even pixels (the whole frame when null). */
export function slideBox(slide: Box | null, source: { width: number; height: number }): Box {
  const b = slide ?? { x: 0, y: 0, width: source.width, height: source.height };
  const x = Math.min(Math.max(0, Math.round(b.x)), source.width - 2);
  const y = Math.min(Math.max(0, Math.round(b.y)), source.height - 2);
  const floorEven = (n: number) => Math.max(2, 2 * Math.floor(n / 2));
  return {
    x,
    y,
    width: floorEven(Math.min(b.width, source.width - x)),
    height: floorEven(Math.min(b.height, source.height - y)),
  };
}

/**
 * Where to look for the speaker: the analysis' face boxes grown by `margin` face sizes on every
 * side (their union), or null (the whole frame) when the analysis found no face.
 */
export function faceRegion(
  faces: readonly Box[],
  source: { width: number; height: number },
  margin = 1.5,
): Box | null {
  if (!faces.length) return null;
  const x0 = Math.max(0, Math.min(...faces.map((f) => f.x - margin * f.width)));
  const y0 = Math.max(0, Math.min(...faces.map((f) => f.y - margin * f.height)));
  const x1 = Math.min(source.width, Math.max(...faces.map((f) => f.x + (1 + margin) * f.width)));
  const y1 = Math.min(source.height, Math.max(...faces.map((f) => f.y + (1 + margin) * f.height)));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** What a clip's picture is built from. */
export interface ClipPicture {
  aspect: ClipAspect;
  layout: ClipLayout;
  source: { width: number; height: number };
  /** The slide's area (the layout analysis'), or null for the whole frame. */
  slide: Box | null;
  /** The speaker's smoothed face path, or null when no face was found in the clip. */
  track: SpeakerTrack | null;
  /** File of `sendcmd` commands the graph reads (written by the caller from `sendcmd`). */
  sendcmdFile: string;
  /** ASS captions to burn in, or null. */
  assFile: string | null;
}

/** Escapes a path for use inside a filtergraph option value. */
export const filterPath = (p: string) => p.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, "\\'");

/**
 * The filter graph (`[0:v]` in, `[v]` out) of one clip picture, with the `sendcmd` script its
 * speaker crop moves by. Layouts: `speaker` — the face-tracked crop filling the frame; `split` —
 * the slide above the speaker (portrait and square) or beside it (16:9); `slide` — the slide
 * letterboxed. Without a face, `speaker` and `split` fall back to `slide`; `split` without a slide
 * (a stretch where the speaker fills the frame) falls back to `speaker` (`layoutUsed` says which).
 */
export function clipFilterGraph(p: ClipPicture): {
  graph: string;
  sendcmd: string | null;
  layoutUsed: ClipLayout;
} {
  const { width: W, height: H } = CLIP_SIZES[p.aspect];
  const layoutUsed: ClipLayout = !p.track ? 'slide' : p.layout === 'split' && !p.slide ? 'speaker' : p.layout;
  const s = slideBox(p.slide, p.source);
  const slideCrop = `crop=${s.width}:${s.height}:${s.x}:${s.y}`;
  const fit = (w: number, h: number) =>
    `scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:black,setsar=1`;
  const captions = p.assFile ? `,ass=filename='${filterPath(p.assFile)}'` : '';
  const start = '[0:v]setpts=PTS-STARTPTS';
  const speaker = (w: number, h: number) => {
    const path = cropPath(p.track!, p.source, w / h);
    const k = path.keys[0]!;
    return {
      chain: `sendcmd=f='${filterPath(p.sendcmdFile)}',crop@speaker=w=${path.width}:h=${path.height}:x=${k.x}:y=${k.y},scale=${w}:${h}:flags=bicubic,setsar=1`,
      sendcmd: sendcmdScript('crop@speaker', path),
    };
  };
  if (layoutUsed === 'slide')
    return { graph: `${start},${slideCrop},${fit(W, H)}${captions}[v]`, sendcmd: null, layoutUsed };
  if (layoutUsed === 'speaker') {
    const sp = speaker(W, H);
    return { graph: `${start},${sp.chain}${captions}[v]`, sendcmd: sp.sendcmd, layoutUsed };
  }
  if (W > H) {
    // 16:9: the slide on the left two thirds, the speaker beside it.
    const left = even(W * 0.64);
    const sp = speaker(W - left, H);
    return {
      graph: `${start},split=2[s][p];[s]${slideCrop},${fit(left, H)}[a];[p]${sp.chain}[b];[a][b]hstack=inputs=2,setsar=1${captions}[v]`,
      sendcmd: sp.sendcmd,
      layoutUsed,
    };
  }
  const top = even(Math.min((W * s.height) / s.width, H * 0.5));
  const sp = speaker(W, H - top);
  return {
    graph: `${start},split=2[s][p];[s]${slideCrop},${fit(W, top)}[a];[p]${sp.chain}[b];[a][b]vstack=inputs=2,setsar=1${captions}[v]`,
    sendcmd: sp.sendcmd,
    layoutUsed,
  };
}
