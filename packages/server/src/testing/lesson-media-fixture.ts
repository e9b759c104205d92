import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LessonChapter } from '@clapboard/shared/lessons';

export interface LessonMedia {
  /** H.264/AAC MP4 with faststart, as a lesson render writes it. */
  video: string;
  /** WebVTT with one cue per chapter. */
  captions: string;
  /** JPEG frame of the video. */
  poster: string;
  durationSec: number;
  chapters: LessonChapter[];
}

/**
 * Real lesson media made by FFmpeg in `dir` (a test source picture with a tone, `durationSec`
 * seconds, 320×180), captions whose cues name the chapters, and a poster frame: what a finished
 * lesson render holds, small enough for fast tests. Needs `ffmpeg` on PATH.
 */
export function makeLessonMedia(dir: string, durationSec = 3): LessonMedia {
  const video = join(dir, 'lesson.mp4');
  const poster = join(dir, 'poster.jpg');
  const captions = join(dir, 'lesson.vtt');
  const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
  ffmpeg(
    ...['-f', 'lavfi', '-i', `testsrc2=s=320x180:r=25:d=${durationSec}`],
    ...['-f', 'lavfi', '-i', `sine=f=440:d=${durationSec}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '25'],
    ...['-c:a', 'aac', '-b:a', '64k', '-shortest', '-movflags', '+faststart', video],
  );
  ffmpeg('-ss', '0.5', '-i', video, '-frames:v', '1', '-q:v', '4', poster);
  const half = durationSec / 2;
  const chapters: LessonChapter[] = [
    { title: 'Welcome', startSec: 0 },
    { title: 'The one idea', startSec: half },
  ];
  const ts = (s: number) => {
    const ms = Math.round(s * 1000);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
  };
  writeFileSync(
    captions,
    `WEBVTT\n\n1\n${ts(0)} --> ${ts(half)}\nWelcome to the lesson.\n\n2\n${ts(half)} --> ${ts(durationSec)}\nHere is the one idea.\n`,
  );
  return { video, captions, poster, durationSec, chapters };
}
