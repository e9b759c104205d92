import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sql } from '@clapboard/server/db';
import { FfmpegError, runFfmpeg, type ServedBlob, serveBlob } from '@clapboard/server/media';
import type { BlobStore } from '@clapboard/server/storage';
import type { CommentRow } from './comment-view';
import { anchorDrawing } from './draw-on-frame';
import { formatTimecode } from './review-feedback';

/** The still of a video comment's moment (JPEG bytes), or why the report shows none. */
export type MediaFrame = { image: Buffer } | { missing: string };

/** How much video work one export may do. */
export interface MediaFrameLimits {
  /** Distinct frames (video × time) extracted per export; comments past it get a line instead. */
  maxFrames: number;
  /** One FFmpeg run (seek, decode one frame, scale, encode) is killed after this long. */
  frameTimeoutMs: number;
  /** All extraction of one export stops after this long; frames not done by then get a line. */
  totalTimeoutMs: number;
  /** Stills are scaled down to at most this many pixels on either side. */
  maxSide: number;
  /** FFmpeg runs at once. */
  concurrency: number;
}

export const MEDIA_FRAME_LIMITS: MediaFrameLimits = {
  maxFrames: 100,
  frameTimeoutMs: 15_000,
  totalTimeoutMs: 90_000,
  maxSide: 640,
  concurrency: 2,
};

interface MediaAnchor {
  startSec: number;
  jobId?: string;
  assetId?: string;
}

/** A stored media anchor's fields, or null when it is not one (or no longer parses). */
function mediaAnchor(anchor: CommentRow['anchor']): MediaAnchor | null {
  if (anchor.kind !== 'media') return null;
  const { startSec, jobId, assetId } = anchor as Record<string, unknown>;
  if (typeof startSec !== 'number' || !Number.isFinite(startSec) || startSec < 0) return null;
  return {
    startSec,
    ...(typeof jobId === 'string' ? { jobId } : {}),
    ...(typeof assetId === 'string' ? { assetId } : {}),
  };
}

/** A video to read: a live `video` asset of the project. */
interface VideoAsset {
  id: string;
  storageKey: string;
  mime: string;
}

/**
 * Stills of the moments that video comments point at, for the review PDF: for each comment anchored
 * to a render (`jobId`: that job's `video` output) or an uploaded video (`assetId`), the frame at
 * `startSec`, read by FFmpeg (seek before the input, one frame, scaled to `maxSide`) through a
 * loopback byte-range server over the blob store, so nothing is copied to disk but the still.
 *
 * Comments with a drawing come first; every video comment gets a still while `maxFrames` allows
 * (the same video and moment is read once). Only the project's own jobs and live assets are read.
 * Nothing here throws for a missing, deleted or unreadable video: that comment gets `missing`, a
 * line saying why, and the export goes on.
 *
 * @returns comment id → its frame or the reason it has none (comments that are not video ones are absent)
 */
export async function loadMediaFrames(
  sql: Sql,
  store: BlobStore,
  projectId: string,
  comments: readonly CommentRow[],
  limits: MediaFrameLimits = MEDIA_FRAME_LIMITS,
): Promise<Map<string, MediaFrame>> {
  const result = new Map<string, MediaFrame>();
  const wanted = comments
    .flatMap((c) => {
      const anchor = mediaAnchor(c.anchor);
      return anchor ? [{ comment: c, anchor, drawn: anchorDrawing(c.anchor).length > 0 }] : [];
    })
    // Drawings first (the reason frames are in the report), each group in comment order.
    .sort((a, b) => Number(b.drawn) - Number(a.drawn));
  if (wanted.length === 0) return result;

  // Which video each comment reads: a render's `video` output, or the uploaded asset itself.
  const jobIds = [...new Set(wanted.flatMap((w) => (w.anchor.jobId ? [w.anchor.jobId] : [])))];
  const jobs = jobIds.length
    ? await sql<{ id: string; status: string; outputs: { name: string; assetId?: string }[] }[]>`
        select id, status, outputs from jobs where project_id = ${projectId} and id in ${sql(jobIds)}`
    : [];
  const jobVideo = new Map(
    jobs.map((j) => [j.id, j.outputs.find((o) => o.name === 'video' && o.assetId)?.assetId ?? null] as const),
  );
  const jobById = new Map(jobs.map((j) => [j.id, j]));
  const assetIds = [
    ...new Set([
      ...wanted.flatMap((w) => (!w.anchor.jobId && w.anchor.assetId ? [w.anchor.assetId] : [])),
      ...[...jobVideo.values()].flatMap((id) => (id ? [id] : [])),
    ]),
  ];
  const assets = assetIds.length
    ? await sql<{ id: string; kind: string; mime: string; storage_key: string }[]>`
        select id, kind, mime, storage_key from assets
        where project_id = ${projectId} and deleted_at is null and id in ${sql(assetIds)}`
    : [];
  const assetById = new Map(assets.map((a) => [a.id, a]));

  /** The video a comment reads, or why there is none. */
  const videoOf = (a: MediaAnchor): VideoAsset | string => {
    const what = a.jobId ? 'render' : 'video';
    let assetId = a.assetId;
    if (a.jobId) {
      const job = jobById.get(a.jobId);
      if (!job) return 'the render no longer exists.';
      const output = jobVideo.get(job.id) ?? null;
      if (!output)
        return job.status === 'completed'
          ? 'the render has no video.'
          : `the render has no video yet (it is ${job.status}).`;
      assetId = output;
    }
    const asset = assetId ? assetById.get(assetId) : undefined;
    if (!asset) return a.jobId ? "the render's video was deleted." : 'the video was deleted.';
    if (asset.kind !== 'video') return `the ${what} is not a video.`;
    return { id: asset.id, storageKey: asset.storage_key, mime: asset.mime };
  };

  // Distinct (video, moment) pairs, at most `maxFrames`, in priority order.
  interface Task {
    video: VideoAsset;
    atSec: number;
    commentIds: string[];
    frame?: MediaFrame;
  }
  const tasks = new Map<string, Task>();
  for (const { comment, anchor } of wanted) {
    const video = videoOf(anchor);
    const at = formatTimecode(anchor.startSec);
    if (typeof video === 'string') {
      result.set(comment.id, { missing: `Frame at ${at} not shown: ${video}` });
      continue;
    }
    const key = `${video.id}@${anchor.startSec.toFixed(3)}`;
    const task = tasks.get(key);
    if (task) task.commentIds.push(comment.id);
    else if (tasks.size < limits.maxFrames)
      tasks.set(key, { video, atSec: anchor.startSec, commentIds: [comment.id] });
    else
      result.set(comment.id, {
        missing: `Frame at ${at} not shown: a report shows at most ${limits.maxFrames} video frames.`,
      });
  }
  if (tasks.size === 0) return result;

  const dir = await mkdtemp(join(tmpdir(), 'clapboard-review-frames-'));
  const deadline = AbortSignal.timeout(limits.totalTimeoutMs);
  const servers = new Map<string, Promise<ServedBlob | null>>();
  try {
    const queue = [...tasks.values()];
    let next = 0;
    const worker = async () => {
      while (next < queue.length) {
        const task = queue[next]!;
        const n = next++;
        task.frame = await extract(task, n);
      }
    };
    const extract = async (task: Task, n: number): Promise<MediaFrame> => {
      const at = formatTimecode(task.atSec);
      if (deadline.aborted)
        return { missing: `Frame at ${at} not shown: the report ran out of time for video frames.` };
      let served = servers.get(task.video.id);
      if (!served) {
        served = serveBlob(store, task.video.storageKey, task.video.mime).catch(() => null);
        servers.set(task.video.id, served);
      }
      const source = await served;
      if (!source) return { missing: `Frame at ${at} not shown: the video's file is missing from storage.` };
      const out = join(dir, `${n}.jpg`);
      try {
        await runFfmpeg(
          [
            ...['-y', '-threads', '1', '-protocol_whitelist', 'http,tcp'],
            ...['-ss', task.atSec.toFixed(3), '-i', source.url],
            ...['-map', '0:v:0', '-frames:v', '1', '-an', '-sn', '-dn'],
            '-vf',
            `scale='min(${limits.maxSide},iw)':'min(${limits.maxSide},ih)':force_original_aspect_ratio=decrease`,
            ...['-q:v', '3', '-f', 'image2', '-c:v', 'mjpeg', out],
          ],
          { timeoutMs: limits.frameTimeoutMs, signal: deadline },
        );
      } catch (err) {
        if (deadline.aborted)
          return { missing: `Frame at ${at} not shown: the report ran out of time for video frames.` };
        const slow = /longer than/.test((err as Error).message);
        // ffmpeg could not be started at all: missing here, or a runtime without processes (the edge).
        const noFfmpeg = !(err instanceof FfmpegError) || err.code !== undefined;
        return {
          missing: slow
            ? `Frame at ${at} not shown: reading it from the video took too long.`
            : noFfmpeg
              ? `Frame at ${at} not shown: this server cannot read video frames (no ffmpeg here; a Node API can).`
              : `Frame at ${at} not shown: the video could not be read.`,
        };
      }
      // Seeking past the end decodes nothing: FFmpeg succeeds without writing a still.
      if (!(await stat(out).catch(() => null))?.size)
        return { missing: `Frame at ${at} not shown: the video ends before ${at}.` };
      return { image: await readFile(out) };
    };
    await Promise.all(Array.from({ length: Math.max(1, limits.concurrency) }, worker));
  } finally {
    await Promise.all(
      [...servers.values()].map(async (s) => {
        await (await s)?.close();
      }),
    );
    await rm(dir, { recursive: true, force: true });
  }
  for (const task of tasks.values()) for (const id of task.commentIds) result.set(id, task.frame!);
  return result;
}
