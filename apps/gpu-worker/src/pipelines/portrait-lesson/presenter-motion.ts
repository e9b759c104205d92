import { seededRandom } from '../render/draw-background';
import type { FacePose } from './face-animator';

/**
 * The presenter's pose per frame: the jaw from the mouth track, blinks every 2–6 s (a blink
 * lasts about 0.2 s: the lids close fast and open slower), and a slow sway of the head (two
 * incommensurate sines per axis, a few pixels) with a slight nod while speaking. Seeded, so a
 * render is the same every time.
 *
 * @param mouth opening per frame (0–1)
 * @param cardHeight the card's height in pixels (motion scales with it)
 */
export function presenterPoses(
  mouth: Float32Array,
  fps: number,
  cardHeight: number,
  seed: number,
): FacePose[] {
  const rand = seededRandom(seed);
  const n = mouth.length;
  const blink = new Float32Array(n);
  const shape = [0.5, 1, 1, 0.7, 0.35, 0.1];
  for (let f = Math.round(fps * (0.8 + rand() * 2)); f < n; f += Math.round(fps * (2 + rand() * 4)))
    for (let k = 0; k < shape.length && f + k < n; k++) blink[f + k] = shape[k]!;
  const amp = cardHeight * 0.006;
  const p = [rand(), rand(), rand(), rand(), rand()].map((x) => x * Math.PI * 2);
  const poses: FacePose[] = [];
  let nod = 0;
  for (let f = 0; f < n; f++) {
    const t = f / fps;
    nod += ((mouth[f] ?? 0) - nod) * 0.15;
    poses.push({
      open: mouth[f] ?? 0,
      blink: blink[f]!,
      dx: amp * (Math.sin((2 * Math.PI * t) / 5.3 + p[0]!) + 0.4 * Math.sin((2 * Math.PI * t) / 2.3 + p[1]!)),
      dy: amp * 0.6 * Math.sin((2 * Math.PI * t) / 4.1 + p[2]!) + amp * 0.8 * nod,
      tilt:
        0.012 * Math.sin((2 * Math.PI * t) / 6.7 + p[3]!) + 0.004 * Math.sin((2 * Math.PI * t) / 1.9 + p[4]!),
    });
  }
  return poses;
}
