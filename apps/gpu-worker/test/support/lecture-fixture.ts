import { join } from 'node:path';
import { ffprobe, runFfmpeg } from '@clapboard/server/media';
import {
  type Box,
  type LayoutResult,
  layoutResultSchema,
  type Transcript,
  transcriptSchema,
} from '@clapboard/shared/highlights';
import sharp from 'sharp';
import type { FaceDetector } from '../../src/vision/detect-faces';
import { buildSpeechFixture } from '../speech-fixture';

/** A real photo of a face (Debian's python3-skimage). */
export const ASTRONAUT = '/usr/lib/python3/dist-packages/skimage/data/astronaut.png';

export interface LectureFixture {
  video: string;
  durationSec: number;
  /** Where the picture-in-picture part ends and the full-frame speaker begins. */
  speakerFromSec: number;
  transcript: Transcript;
  layout: LayoutResult;
  /** The face in the picture-in-picture span and in the speaker span (source pixels). */
  pipFace: Box;
  speakerFace: Box;
}

const W = 960;
const H = 540;
const SLIDE: Box = { x: 20, y: 20, width: 600, height: 500 };
const PIP = { x: 652, y: 232, size: 288 };
const SPEAKER = { x: 210, size: 540 };

/**
 * A small synthetic lecture the way the analysis pipeline sees one: a text slide (sharp) with the
 * speaker picture-in-picture (a real face photo), then the speaker full frame; festival speaking
 * `sentences` with silences between. The transcript has each sentence's words spread over its
 * audible span (by letters) and the layout has the slide's and the face's boxes (the face as the
 * real detector finds it in the photo), both validated with the shared schemas.
 */
export async function buildLectureFixture(
  dir: string,
  detector: FaceDetector,
  sentences: string[],
  gapsSec: number[],
  /** The speaker fills the frame from the pause before this sentence (0-based) on. */
  speakerFromSentence: number,
): Promise<LectureFixture> {
  const speech = await buildSpeechFixture(dir, sentences, gapsSec);
  const durationSec = (await ffprobe(speech.file)).durationSec!;
  const speakerFromSec =
    (speech.truth[speakerFromSentence - 1]!.endSec + speech.truth[speakerFromSentence]!.startSec) / 2;

  const slideSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <rect width="100%" height="100%" fill="#1d2b3a"/>
    <rect x="${SLIDE.x}" y="${SLIDE.y}" width="${SLIDE.width}" height="${SLIDE.height}" fill="#ffffff"/>
    <text x="50" y="110" font-family="DejaVu Sans" font-size="44" font-weight="bold" fill="#1d2b3a">Heat flows downhill</text>
    <text x="60" y="210" font-family="DejaVu Sans" font-size="30" fill="#333">• Energy moves hot to cold</text>
    <text x="60" y="270" font-family="DejaVu Sans" font-size="30" fill="#333">• Entropy always grows</text>
    <text x="60" y="330" font-family="DejaVu Sans" font-size="30" fill="#333">• In summary: wait and cool</text>
  </svg>`;
  const slide = join(dir, 'slide.png');
  await sharp(Buffer.from(slideSvg)).png().toFile(slide);
  const pip = join(dir, 'pip.png');
  await sharp(ASTRONAUT).resize(PIP.size, PIP.size).png().toFile(pip);
  const big = join(dir, 'speaker.png');
  await sharp(ASTRONAUT).resize(SPEAKER.size, SPEAKER.size).png().toFile(big);

  const faceIn = async (file: string, dx: number, dy: number): Promise<Box> => {
    const [face] = await detector.detect(file);
    if (!face) throw new Error(`fixture: no face found in ${file}`);
    return { x: face.box.x + dx, y: face.box.y + dy, width: face.box.width, height: face.box.height };
  };
  const pipFace = await faceIn(pip, PIP.x, PIP.y);
  const speakerFace = await faceIn(big, SPEAKER.x, 0);

  const video = join(dir, 'lecture.mp4');
  const t = speakerFromSec.toFixed(3);
  await runFfmpeg([
    '-y',
    '-loop',
    '1',
    '-framerate',
    '25',
    '-i',
    slide,
    '-loop',
    '1',
    '-framerate',
    '25',
    '-i',
    pip,
    '-loop',
    '1',
    '-framerate',
    '25',
    '-i',
    big,
    '-i',
    speech.file,
    '-filter_complex',
    `[0:v][1:v]overlay=${PIP.x}:${PIP.y}:enable='lt(t,${t})'[a];` +
      `[a][2:v]overlay=${SPEAKER.x}:0:enable='gte(t,${t})',format=yuv420p[v];` +
      '[3:a]aformat=channel_layouts=stereo[s]',
    '-map',
    '[v]',
    '-map',
    '[s]',
    '-t',
    durationSec.toFixed(3),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '25',
    '-c:a',
    'aac',
    video,
  ]);

  const words: Transcript['words'] = [];
  const spoken: Transcript['sentences'] = [];
  sentences.forEach((text, i) => {
    const { startSec, endSec } = speech.truth[i]!;
    const tokens = text.split(' ');
    const letters = tokens.reduce((n, w) => n + w.length, 0);
    const firstWord = words.length;
    let at = startSec;
    for (const word of tokens) {
      const len = ((endSec - startSec) * word.length) / letters;
      words.push({ word, startSec: at, endSec: at + len * 0.9, confidence: 0.9 });
      at += len;
    }
    spoken.push({ startSec, endSec, text, firstWord, lastWord: words.length - 1 });
  });
  const transcript = transcriptSchema.parse({
    engine: 'fixture (festival timings)',
    words,
    sentences: spoken,
  });
  const layout = layoutResultSchema.parse({
    spans: [
      {
        startSec: 0,
        endSec: speakerFromSec,
        kind: 'picture-in-picture',
        slide: SLIDE,
        face: pipFace,
        textDensity: 0.2,
        slideText: 'Heat flows downhill',
      },
      {
        startSec: speakerFromSec,
        endSec: durationSec,
        kind: 'speaker',
        slide: null,
        face: speakerFace,
        textDensity: 0,
        slideText: '',
      },
    ],
  });
  return { video, durationSec, speakerFromSec, transcript, layout, pipFace, speakerFace };
}
