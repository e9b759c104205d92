import type { DetectedFace } from '../../vision/detect-faces';

/** A point in pixels. */
export interface Point {
  x: number;
  y: number;
}

/**
 * What the animation needs of a face, in the portrait's pixels: its box, the mouth (corners, the
 * line where the lips meet, the lower lip's outer edge), the chin and jaw width, and each eye's
 * corners and lids. Taken from the 468-point face mesh (MediaPipe numbering).
 */
export interface FaceRig {
  box: { x: number; y: number; width: number; height: number };
  mouth: { left: Point; right: Point; lipLine: Point; lowerLip: Point; upperLip: Point };
  chin: Point;
  jaw: { left: Point; right: Point };
  eyes: Array<{ outer: Point; inner: Point; top: Point; bottom: Point }>;
}

/** Mesh indices of the points the rig uses. */
const MESH = {
  upperLipInner: 13,
  lowerLipInner: 14,
  upperLipOuter: 0,
  lowerLipOuter: 17,
  mouthLeft: 61,
  mouthRight: 291,
  chin: 152,
  jawLeft: 172,
  jawRight: 397,
  eyes: [
    { outer: 33, inner: 133, top: 159, bottom: 145 },
    { outer: 263, inner: 362, top: 386, bottom: 374 },
  ],
} as const;

/**
 * The rig of a detected face.
 * @throws RangeError when the face has no mesh (the detector ran without it)
 */
export function faceRig(face: DetectedFace): FaceRig {
  const m = face.landmarks;
  if (m.length < 468) throw new RangeError('The face was found without its landmarks.');
  const pt = (i: number): Point => ({ x: m[i]![0], y: m[i]![1] });
  const upper = pt(MESH.upperLipInner);
  const lower = pt(MESH.lowerLipInner);
  return {
    box: face.box,
    mouth: {
      left: pt(MESH.mouthLeft),
      right: pt(MESH.mouthRight),
      lipLine: { x: (upper.x + lower.x) / 2, y: (upper.y + lower.y) / 2 },
      lowerLip: pt(MESH.lowerLipOuter),
      upperLip: pt(MESH.upperLipOuter),
    },
    chin: pt(MESH.chin),
    jaw: { left: pt(MESH.jawLeft), right: pt(MESH.jawRight) },
    eyes: MESH.eyes.map((e) => ({
      outer: pt(e.outer),
      inner: pt(e.inner),
      top: pt(e.top),
      bottom: pt(e.bottom),
    })),
  };
}

/** The rig moved into a crop that starts at `origin` and is scaled by `scale`. */
export function mapRig(rig: FaceRig, origin: Point, scale: number): FaceRig {
  const p = (q: Point): Point => ({ x: (q.x - origin.x) * scale, y: (q.y - origin.y) * scale });
  return {
    box: {
      x: (rig.box.x - origin.x) * scale,
      y: (rig.box.y - origin.y) * scale,
      width: rig.box.width * scale,
      height: rig.box.height * scale,
    },
    mouth: {
      left: p(rig.mouth.left),
      right: p(rig.mouth.right),
      lipLine: p(rig.mouth.lipLine),
      lowerLip: p(rig.mouth.lowerLip),
      upperLip: p(rig.mouth.upperLip),
    },
    chin: p(rig.chin),
    jaw: { left: p(rig.jaw.left), right: p(rig.jaw.right) },
    eyes: rig.eyes.map((e) => ({ outer: p(e.outer), inner: p(e.inner), top: p(e.top), bottom: p(e.bottom) })),
  };
}
