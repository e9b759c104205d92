/**
 * Writes an RGB image (3 bytes per pixel, `width` × `height`) into a planar YUV 4:2:0 frame
 * (BT.601 limited range, what libx264 assumes for untagged input) at an even offset. Only the
 * rectangle `rect` of the image (even coordinates and size) is converted when given, so a frame
 * whose other parts did not change costs only its changed region.
 */
export function writeRgbToYuv420(
  rgb: Uint8Array,
  width: number,
  height: number,
  frame: Uint8Array,
  frameWidth: number,
  frameHeight: number,
  at: { x: number; y: number },
  rect: { x: number; y: number; width: number; height: number } = { x: 0, y: 0, width, height },
): void {
  const ySize = frameWidth * frameHeight;
  const cw = frameWidth >> 1;
  const uOff = ySize;
  const vOff = ySize + (ySize >> 2);
  const x0 = rect.x & ~1;
  const y0 = rect.y & ~1;
  const x1 = Math.min(width, rect.x + rect.width + 1) & ~1;
  const y1 = Math.min(height, rect.y + rect.height + 1) & ~1;
  for (let y = y0; y < y1; y += 2) {
    const fy = at.y + y;
    for (let x = x0; x < x1; x += 2) {
      const fx = at.x + x;
      let ur = 0;
      let ug = 0;
      let ub = 0;
      for (let dy = 0; dy < 2; dy++) {
        let s = ((y + dy) * width + x) * 3;
        let d = (fy + dy) * frameWidth + fx;
        for (let dx = 0; dx < 2; dx++, s += 3, d++) {
          const r = rgb[s]!;
          const g = rgb[s + 1]!;
          const b = rgb[s + 2]!;
          frame[d] = (66 * r + 129 * g + 25 * b + 128 + 4096) >> 8;
          ur += r;
          ug += g;
          ub += b;
        }
      }
      const c = (fy >> 1) * cw + (fx >> 1);
      frame[uOff + c] = ((-38 * ur - 74 * ug + 112 * ub + 512) >> 10) + 128;
      frame[vOff + c] = ((112 * ur - 94 * ug - 18 * ub + 512) >> 10) + 128;
    }
  }
}
