/** The parts of fontkit 2 (pdfkit's font engine) that Clapboard uses: validation and outlines. */
declare module 'fontkit' {
  export interface Path {
    toSVG(): string;
    scale(scaleX: number, scaleY?: number): Path;
    translate(x: number, y: number): Path;
  }
  export interface Glyph {
    path: Path;
  }
  export interface GlyphPosition {
    xAdvance: number;
    yAdvance: number;
    xOffset: number;
    yOffset: number;
  }
  export interface GlyphRun {
    glyphs: Glyph[];
    positions: GlyphPosition[];
    advanceWidth: number;
  }
  export interface Font {
    type: string;
    familyName: string | null;
    subfamilyName: string | null;
    numGlyphs: number;
    unitsPerEm: number;
    hasGlyphForCodePoint(codePoint: number): boolean;
    layout(text: string): GlyphRun;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font | { type: 'TTC' | 'DFont' };
}
