import { type FrameRate, framesToRational, secondsToFrames } from '../timecode';
import { cutEvents, markerText, oneLine, type RenderCut } from './render-cut';

/** The FCPXML version written: 1.9 is the first with `media-rep` and is read by Final Cut Pro 10.5+ and DaVinci Resolve. */
export const FCPXML_VERSION = '1.9';

const escapeXml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

/** `name="value"` pairs, escaped. */
const attrs = (pairs: Record<string, string | number>) =>
  Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeXml(String(v))}"`)
    .join(' ');

/**
 * The render as a Final Cut Pro XML 1.9 project: one format and one asset (the render file, by
 * relative URL, relinked on import), a library → event → project → sequence whose spine holds an
 * asset-clip per scene, and review comments as markers (a resolved one as a completed to-do).
 * Times are rational seconds, whole frames of `rate` (`1001/30000s` per frame at 29.97).
 */
export function buildFcpxml(cut: RenderCut, rate: FrameRate): string {
  const t = (frames: number) => framesToRational(frames, rate);
  const total = secondsToFrames(cut.media.durationSec, rate);
  const tcFormat = rate.dropFrame ? 'DF' : 'NDF';
  const events = cutEvents(cut, rate);
  const clips = events.map((e) => {
    const clip = attrs({
      ref: 'r2',
      name: oneLine(e.scene.heading, 120) || 'Scene',
      offset: t(e.startFrame),
      start: t(e.startFrame),
      duration: t(e.endFrame - e.startFrame),
      format: 'r1',
      tcFormat,
    });
    // Marker times are in the clip's source time, which here is the render's own time.
    const markers = e.markers.map(
      (m) =>
        `              <marker ${attrs({ start: t(m.frame), duration: t(m.frames), value: markerText(m), completed: m.resolved ? 1 : 0 })}/>`,
    );
    return markers.length
      ? [`            <asset-clip ${clip}>`, ...markers, '            </asset-clip>'].join('\n')
      : `            <asset-clip ${clip}/>`;
  });
  const frameDuration = framesToRational(1, rate);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE fcpxml>',
    `<!-- Clapboard render ${cut.jobId}, document version ${cut.versionId} -->`,
    `<fcpxml version="${FCPXML_VERSION}">`,
    '  <resources>',
    `    <format ${attrs({ id: 'r1', frameDuration, width: cut.media.width, height: cut.media.height })}/>`,
    `    <asset ${attrs({ id: 'r2', name: cut.media.name, uid: cut.jobId, start: '0s', duration: t(total), hasVideo: 1, hasAudio: 1, format: 'r1' })}>`,
    `      <media-rep ${attrs({ kind: 'original-media', src: encodeURI(cut.media.name) })}/>`,
    '    </asset>',
    '  </resources>',
    '  <library>',
    `    <event ${attrs({ name: 'Clapboard' })}>`,
    `      <project ${attrs({ name: oneLine(cut.title, 120) || 'Clapboard render' })}>`,
    `        <sequence ${attrs({ format: 'r1', duration: t(events.at(-1)?.endFrame ?? 0), tcStart: '0s', tcFormat, audioLayout: 'stereo', audioRate: '48k' })}>`,
    '          <spine>',
    ...clips,
    '          </spine>',
    '        </sequence>',
    '      </project>',
    '    </event>',
    '  </library>',
    '</fcpxml>',
    '',
  ].join('\n');
}
