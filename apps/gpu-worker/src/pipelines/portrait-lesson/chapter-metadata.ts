import type { LessonChapter } from '@clapboard/shared/lessons';

/** Escapes a value for FFmpeg's ffmetadata format (`=`, `;`, `#`, `\` and newlines). */
const escapeMeta = (s: string) => s.replace(/[=;#\\\n]/g, (c) => `\\${c}`);

/**
 * An FFmpeg metadata file (`;FFMETADATA1`) with the title and one chapter per entry, each ending
 * where the next starts (the last at `durationSec`), in milliseconds: muxed into the MP4 as its
 * chapter track, which players list as chapters.
 */
export function chapterMetadata(
  title: string,
  chapters: readonly LessonChapter[],
  durationSec: number,
): string {
  const lines = [';FFMETADATA1', `title=${escapeMeta(title)}`];
  const ms = (s: number) => Math.round(s * 1000);
  chapters.forEach((c, i) => {
    const end = i + 1 < chapters.length ? chapters[i + 1]!.startSec : durationSec;
    lines.push(
      '[CHAPTER]',
      'TIMEBASE=1/1000',
      `START=${ms(c.startSec)}`,
      `END=${ms(end)}`,
      `title=${escapeMeta(c.title)}`,
    );
  });
  return `${lines.join('\n')}\n`;
}
