/** The parts of fontkit 2 (pdfkit's font engine) that brand-kit font validation uses. */
declare module 'fontkit' {
  export interface Font {
    type: string;
    familyName: string | null;
    subfamilyName: string | null;
    numGlyphs: number;
    unitsPerEm: number;
    hasGlyphForCodePoint(codePoint: number): boolean;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font | { type: 'TTC' | 'DFont' };
}
