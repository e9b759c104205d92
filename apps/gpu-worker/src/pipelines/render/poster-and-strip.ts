import sharp from 'sharp';

/**
 * A poster (the first frame, JPEG at the output size) and a thumbnail strip (every frame, up to
 * 12, side by side at `thumbWidth` px wide) for lists and scrubbing previews.
 */
export async function posterAndStrip(
  frames: readonly string[],
  thumbWidth = 192,
): Promise<{ poster: Buffer; strip: Buffer; stripWidth: number; stripHeight: number }> {
  const poster = await sharp(frames[0]!).jpeg({ quality: 85 }).toBuffer();
  const picked =
    frames.length <= 12
      ? frames
      : Array.from({ length: 12 }, (_, i) => frames[Math.floor((i * frames.length) / 12)]!);
  const thumbs = await Promise.all(
    picked.map((f) => sharp(f).resize({ width: thumbWidth }).png().toBuffer()),
  );
  const thumbHeight = (await sharp(thumbs[0]!).metadata()).height ?? thumbWidth;
  const stripWidth = thumbWidth * thumbs.length;
  const strip = await sharp({
    create: { width: stripWidth, height: thumbHeight, channels: 3, background: '#000' },
  })
    .composite(thumbs.map((input, i) => ({ input, left: i * thumbWidth, top: 0 })))
    .jpeg({ quality: 80 })
    .toBuffer();
  return { poster, strip, stripWidth, stripHeight: thumbHeight };
}
