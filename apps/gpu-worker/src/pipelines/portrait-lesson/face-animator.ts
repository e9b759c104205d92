import type { FaceRig } from './face-rig';

/** The presenter's pose in one frame. */
export interface FacePose {
  /** Jaw opening, 0 (closed, as photographed) – 1 (widest). */
  open: number;
  /** Eyelids, 0 (as photographed) – 1 (shut). */
  blink: number;
  /** Head translation in pixels of the card. */
  dx: number;
  dy: number;
  /** Head tilt in radians (small: under 0.03). */
  tilt: number;
}

/** Widest jaw drop as a share of the mouth's width. */
const MAX_OPEN = 0.3;
/** Colour of the mouth's inside (dark, warm), and how much of it covers the still there. */
const INSIDE_R = 58;
const INSIDE_G = 24;
const INSIDE_B = 27;
const INSIDE_ALPHA = 0.93;
/** The head's weight fades from its ellipse to nothing at this multiple of its radii. */
const FADE = 1.3;

/**
 * Animates a portrait crop: every frame is an inverse warp of the still — the head region (an
 * ellipse around the face, fading out over the neck and background) moved and tilted slightly,
 * the lower lip and jaw dropped by the pose's opening with the mouth's inside drawn in the gap,
 * and the upper lids pulled down over the eyes for a blink. Pixels are sampled bilinearly. Only
 * the region that can move is recomputed; `changed` says which (for the YUV conversion).
 */
export class FaceAnimator {
  /** The rectangle recomputed each frame (even coordinates). */
  readonly changed: { x: number; y: number; width: number; height: number };
  private readonly headWeight: Float32Array;
  /** Per row, the first and one-past-last column that can move. */
  private readonly spans: Int32Array;
  private readonly eyeLids: Array<{ cx: number; half: number; topY: number; travel: number; above: number }>;
  private readonly pivot: { x: number; y: number };
  private readonly mouth: {
    cx: number;
    lineY: number;
    halfWidth: number;
    jawHalf: number;
    /** Below the chin the jaw's drop fades out over this many pixels. */
    fade: number;
    chinY: number;
    lowerLipY: number;
    maxDrop: number;
  };

  constructor(
    private readonly src: Uint8Array,
    readonly width: number,
    readonly height: number,
    readonly rig: FaceRig,
  ) {
    const b = rig.box;
    const cx = b.x + b.width / 2;
    const cy = b.y + b.height / 2;
    const rx = b.width * 0.62;
    const ry = b.height * 0.8;
    this.pivot = { x: cx, y: rig.chin.y + b.height * 0.15 };
    const m = rig.mouth;
    const mouthWidth = Math.hypot(m.right.x - m.left.x, m.right.y - m.left.y);
    const chinY = Math.max(rig.chin.y, m.lipLine.y + mouthWidth * 0.4);
    this.mouth = {
      cx: (m.left.x + m.right.x) / 2,
      lineY: m.lipLine.y,
      halfWidth: (mouthWidth / 2) * 0.9,
      jawHalf: Math.max(mouthWidth * 0.8, Math.abs(rig.jaw.right.x - rig.jaw.left.x) / 2),
      fade: Math.max((chinY - m.lipLine.y) * 0.7, mouthWidth * MAX_OPEN * 1.6),
      chinY,
      lowerLipY: Math.max(m.lowerLip.y, m.lipLine.y + 2),
      maxDrop: mouthWidth * MAX_OPEN,
    };
    // Full weight inside the head's ellipse, fading to none at FADE× its radii; per row, the span
    // of pixels that can move (the head's, widened to the jaw's reach).
    this.headWeight = new Float32Array(width * height);
    this.spans = new Int32Array(height * 2);
    const jawTop = this.mouth.lineY;
    const jawBottom = chinY + this.mouth.fade;
    const jawLeft = this.mouth.cx - this.mouth.jawHalf * 1.2;
    const jawRight = this.mouth.cx + this.mouth.jawHalf * 1.2;
    let minY = height;
    let maxY = -1;
    let minX = width;
    let maxX = -1;
    for (let y = 0; y < height; y++) {
      let first = -1;
      let last = -2;
      for (let x = 0; x < width; x++) {
        const d = Math.hypot((x - cx) / rx, (y - cy) / ry);
        const w = d <= 1 ? 1 : d >= FADE ? 0 : 0.5 + 0.5 * Math.cos((Math.PI * (d - 1)) / (FADE - 1));
        this.headWeight[y * width + x] = w;
        const jaw = y >= jawTop && y <= jawBottom && x >= jawLeft && x <= jawRight;
        if (w > 0 || jaw) {
          if (first < 0) first = x;
          last = x;
        }
      }
      this.spans[2 * y] = Math.max(first, 0);
      this.spans[2 * y + 1] = last + 1;
      if (first >= 0) {
        minY = Math.min(minY, y);
        maxY = y;
        minX = Math.min(minX, first);
        maxX = Math.max(maxX, last);
      }
    }
    const x0 = Math.max(0, minX) & ~1;
    const y0 = Math.max(0, minY) & ~1;
    const x1 = Math.min(width, (maxX + 2) & ~1);
    const y1 = Math.min(height, (maxY + 2) & ~1);
    this.changed = { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
    this.eyeLids = rig.eyes.map((e) => {
      const left = Math.min(e.outer.x, e.inner.x);
      const right = Math.max(e.outer.x, e.inner.x);
      const h = Math.max(2, e.bottom.y - e.top.y);
      return {
        cx: (left + right) / 2,
        half: ((right - left) / 2) * 1.15,
        topY: e.top.y,
        travel: e.bottom.y + h * 0.15 - e.top.y,
        above: e.top.y - h * 1.4,
      };
    });
  }

  /**
   * Draws the pose into `out` (RGB, the crop's size). Pixels outside `changed` are not touched:
   * fill `out` with the still once first.
   */
  render(pose: FacePose, out: Uint8Array): void {
    const { width, height, src, headWeight, mouth, spans } = this;
    const drop = Math.max(0, Math.min(1, pose.open)) * mouth.maxDrop;
    const eyes = this.eyeLids;
    const blink = Math.max(0, Math.min(1, pose.blink));
    const cosT = Math.cos(pose.tilt);
    const sinT = Math.sin(pose.tilt);
    const px = this.pivot.x;
    const py = this.pivot.y;
    const jawW = mouth.jawHalf * 1.2;
    const lipSpan = mouth.lowerLipY - mouth.lineY + drop;
    const maxX = width - 1.001;
    const maxY = height - 1.001;
    const stride = width * 3;
    for (let y = 0; y < height; y++) {
      const xEnd = spans[2 * y + 1]!;
      for (let x = spans[2 * y]!; x < xEnd; x++) {
        const i = y * width + x;
        const w = headWeight[i]!;
        let qx = x;
        let qy = y;
        if (w > 0) {
          // Inverse of "rotate about the neck, then translate", scaled by the head's weight.
          const rx = x - pose.dx - px;
          const ry = y - pose.dy - py;
          qx = x + w * (px + cosT * rx + sinT * ry - x);
          qy = y + w * (py - sinT * rx + cosT * ry - y);
        }
        let inside = 0;
        if (drop > 0.3 && qy >= mouth.lineY) {
          const dxm = qx - mouth.cx;
          const ax = dxm < 0 ? -dxm : dxm;
          if (ax < jawW && qy < mouth.chinY + mouth.fade) {
            // The jaw carries the lower face down: full drop across the jaw, easing out at its sides.
            const hx = ax / jawW;
            const wx = hx < 0.6 ? 1 : 0.5 + 0.5 * Math.cos((Math.PI * (hx - 0.6)) / 0.4);
            const wy =
              qy <= mouth.chinY ? 1 : 0.5 + 0.5 * Math.cos((Math.PI * (qy - mouth.chinY)) / mouth.fade);
            // The lips part in an arc: the gap is widest at the middle, closed at the corners.
            const u = dxm / mouth.halfWidth;
            const gap = u > -1 && u < 1 ? drop * Math.sqrt(1 - u * u) : 0;
            const t = qy - mouth.lineY;
            if (t < gap) {
              const edge = Math.min(t, gap - t);
              inside = edge >= 1.5 ? INSIDE_ALPHA : (INSIDE_ALPHA * edge) / 1.5;
            }
            // Near the lips the lower lip follows the gap; further down, the jaw's drop.
            const near = t < lipSpan ? 1 - t / lipSpan : 0;
            const shift = drop * wx * wy + (gap - drop * wx) * near;
            qy -= shift < 0 ? 0 : Math.min(shift, t);
          }
        }
        let lash = 0;
        if (blink > 0.05)
          for (const e of eyes) {
            const u = (qx - e.cx) / e.half;
            if (u <= -1 || u >= 1) continue;
            const lid = e.topY + blink * e.travel * Math.sqrt(1 - u * u);
            if (qy > e.above && qy < lid) {
              // Stretch the skin above the eye down to the lid's edge, and draw the lashes there.
              const toLid = lid - qy;
              if (toLid < 2 && blink > 0.5) lash = (1 - toLid / 2) * 0.45;
              qy = e.above + ((qy - e.above) * (e.topY - e.above)) / (lid - e.above);
            }
          }
        // Bilinear sample of the still at (qx, qy).
        const sx = qx < 0 ? 0 : Math.min(qx, maxX);
        const sy = qy < 0 ? 0 : Math.min(qy, maxY);
        const x0 = sx | 0;
        const y0 = sy | 0;
        const fx = sx - x0;
        const fy = sy - y0;
        const a = (y0 * width + x0) * 3;
        const b = a + stride;
        const o = i * 3;
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        let r = src[a]! * w00 + src[a + 3]! * w01 + src[b]! * w10 + src[b + 3]! * w11;
        let g = src[a + 1]! * w00 + src[a + 4]! * w01 + src[b + 1]! * w10 + src[b + 4]! * w11;
        let bl = src[a + 2]! * w00 + src[a + 5]! * w01 + src[b + 2]! * w10 + src[b + 5]! * w11;
        if (inside > 0) {
          r += (INSIDE_R - r) * inside;
          g += (INSIDE_G - g) * inside;
          bl += (INSIDE_B - bl) * inside;
        }
        if (lash > 0) {
          r *= 1 - lash;
          g *= 1 - lash;
          bl *= 1 - lash;
        }
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = bl;
      }
    }
  }
}
