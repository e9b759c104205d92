import { type FrameRate, framesToTimecode } from '../timecode';
import { cutEvents, markerText, oneLine, type RenderCut } from './render-cut';

/** Reel name of the render's file in the list: `AX` is what file-based editors write for "a file". */
const REEL = 'AX';

/**
 * A CMX3600 edit decision list of the render: one cut event per scene on video and audio 1 (`B`),
 * source and record timecodes both counted from 00:00:00:00 (the file and the timeline start
 * together), the file named on `* FROM CLIP NAME:`, the scene heading on `* COMMENT:`, and each
 * review comment as an Avid-style `* LOC:` locator under the event it falls in. 29.97 writes
 * `FCM: DROP FRAME` with `;` before the frames; whole rates `FCM: NON-DROP FRAME`.
 */
export function buildEdl(cut: RenderCut, rate: FrameRate): string {
  const tc = (frames: number) => framesToTimecode(frames, rate);
  const lines = [
    `TITLE: ${oneLine(cut.title, 60) || 'Clapboard render'}`,
    `FCM: ${rate.dropFrame ? 'DROP FRAME' : 'NON-DROP FRAME'}`,
    '',
  ];
  cutEvents(cut, rate).forEach((e, i) => {
    const num = String(i + 1).padStart(3, '0');
    const times = `${tc(e.startFrame)} ${tc(e.endFrame)} ${tc(e.startFrame)} ${tc(e.endFrame)}`;
    lines.push(`${num}  ${REEL.padEnd(8)} B     C        ${times}`);
    lines.push(`* FROM CLIP NAME: ${oneLine(cut.media.name, 120)}`);
    lines.push(`* COMMENT: ${oneLine(e.scene.heading, 120) || `SCENE ${i + 1}`}`);
    if (i === 0) lines.push(`* CLAPBOARD RENDER ${cut.jobId} VERSION ${cut.versionId}`);
    for (const m of e.markers)
      lines.push(`* LOC: ${tc(m.frame)} ${(m.resolved ? 'GREEN' : 'YELLOW').padEnd(7)} ${markerText(m)}`);
    lines.push('');
  });
  return lines.join('\n');
}
