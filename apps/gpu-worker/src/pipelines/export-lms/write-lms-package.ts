import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { lessonPlayerFile, lessonPlayerFiles, renderLessonPage } from '@clapboard/server/lesson-player';
import yazl from 'yazl';
import { cmi5CourseStructure } from './cmi5-course-structure';
import { type LmsPackageInput, PACKAGE_PATHS, posterPath } from './lms-package-input';
import { packageSchemaFiles } from './schema-files';
import { scorm12Manifest } from './scorm12-manifest';
import { scorm2004Manifest } from './scorm2004-manifest';

export interface WrittenLmsPackage {
  /** Every file in the zip, package-relative. */
  entries: string[];
  /** Size of the zip, in bytes. */
  bytes: number;
}

/** The package's own files (the SCO/AU): the page first, then the player, then the media. */
function contentFiles(input: LmsPackageInput) {
  const runtime = input.format;
  const player = lessonPlayerFiles(runtime).map((name) => ({
    path: `${PACKAGE_PATHS.playerDir}/${name}`,
    text: lessonPlayerFile(name),
  }));
  const poster = input.poster ? posterPath(input.poster.mime) : null;
  const page = renderLessonPage({
    title: input.title,
    runtime,
    urls: {
      video: PACKAGE_PATHS.video,
      captions: input.captions ? PACKAGE_PATHS.captions : null,
      poster,
      playerFile: (name) => `${PACKAGE_PATHS.playerDir}/${name}`,
    },
    durationSec: input.video.durationSec,
    completionPercent: input.completionPercent,
    chapters: input.chapters,
    quiz: input.quiz,
  });
  const media = [
    { path: PACKAGE_PATHS.video, file: input.video.file },
    ...(input.captions ? [{ path: PACKAGE_PATHS.captions, file: input.captions }] : []),
    ...(input.poster && poster ? [{ path: poster, file: input.poster.file }] : []),
  ];
  return { page, player, media };
}

/**
 * Writes one self-contained LMS package (a zip) to `out`: the manifest (`imsmanifest.xml` with the
 * format's schema files at the root for SCORM, `cmi5.xml` for cmi5), the player page, the player's
 * script and stylesheet, and the lesson's video, captions and poster. Media is stored as it is
 * (it is compressed already); text is deflated. Nothing in it points outside the package.
 *
 * @param onProgress fraction of the zip written, 0–1, as bytes reach the file
 * @throws when a file cannot be read or `out` cannot be written (a partial zip may remain: the
 *   caller's scratch folder is removed with it)
 */
export async function writeLmsPackage(
  input: LmsPackageInput,
  out: string,
  options: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<WrittenLmsPackage> {
  const { page, player, media } = contentFiles(input);
  const sco = [PACKAGE_PATHS.page, ...player.map((p) => p.path), ...media.map((m) => m.path)];
  const zip = new yazl.ZipFile();
  const entries: string[] = [];
  const mtime = new Date('2020-01-01T00:00:00Z');
  const addText = (path: string, text: string) => {
    zip.addBuffer(Buffer.from(text, 'utf8'), path, { mtime, compress: true });
    entries.push(path);
  };
  if (input.format === 'cmi5') addText('cmi5.xml', cmi5CourseStructure(input));
  else {
    addText(
      'imsmanifest.xml',
      input.format === 'scorm12' ? scorm12Manifest(input, sco) : scorm2004Manifest(input, sco),
    );
    for (const file of packageSchemaFiles(input.format)) {
      zip.addFile(file, basename(file), { mtime, compress: true });
      entries.push(basename(file));
    }
  }
  addText(PACKAGE_PATHS.page, page);
  for (const p of player) addText(p.path, p.text);
  let expected = 4096;
  for (const m of media) {
    zip.addFile(m.file, m.path, { mtime, compress: false });
    entries.push(m.path);
    expected += (await stat(m.file)).size;
  }
  zip.end();

  let written = 0;
  let lastReport = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      written += chunk.length;
      if (options.onProgress && written - lastReport > 256 * 1024) {
        lastReport = written;
        options.onProgress(Math.min(0.99, written / expected));
      }
      done(null, chunk);
    },
  });
  await pipeline(zip.outputStream, meter, createWriteStream(out), { signal: options.signal });
  options.onProgress?.(1);
  return { entries, bytes: written };
}
