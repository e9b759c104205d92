import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';

const DEJAVU = '/usr/share/fonts/truetype/dejavu';
/** Monospaced faces for text Courier cannot encode: Liberation Mono has Courier's metrics (0.6 em). */
const MONO_FALLBACKS = [
  '/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf',
  `${DEJAVU}/DejaVuSansMono.ttf`,
];
/** Windows-1252 characters above Latin-1's printable range, which pdfkit's built-in Courier encodes. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Whether pdfkit's built-in (WinAnsi-encoded) fonts can draw every character of `text`. */
export function winAnsiEncodable(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (!((c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.has(ch))) return false;
  }
  return true;
}

export interface CreatedPdf {
  pdf: PDFKit.PDFDocument;
  /**
   * Font name of a Unicode monospaced face (Liberation Mono, else DejaVu Sans Mono) registered on
   * first use, or `Courier` when the system has neither (such text then prints garbled).
   */
  monoFallback(): string;
  /** Selects the sans body or bold face: DejaVu (any script) when installed, else Helvetica. */
  font(kind: 'body' | 'bold'): PDFKit.PDFDocument;
  /** Ends the document and resolves with its bytes. */
  finish(): Promise<Buffer>;
}

/**
 * One pdfkit document collected into memory, with the house fonts registered: DejaVu Sans when the
 * system has it (every script), pdfkit's built-in Helvetica otherwise; nothing is downloaded.
 */
export function createPdf(options: PDFKit.PDFDocumentOptions): CreatedPdf {
  const pdf = new PDFDocument(options);
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const dejavu = existsSync(`${DEJAVU}/DejaVuSans.ttf`);
  if (dejavu) {
    pdf.registerFont('body', `${DEJAVU}/DejaVuSans.ttf`);
    pdf.registerFont('bold', `${DEJAVU}/DejaVuSans-Bold.ttf`);
  }
  let mono: string | null = null;
  return {
    pdf,
    monoFallback: () => {
      if (mono) return mono;
      const file = MONO_FALLBACKS.find((f) => existsSync(f));
      if (file) pdf.registerFont('mono', file);
      mono = file ? 'mono' : 'Courier';
      return mono;
    },
    font: (kind) => pdf.font(dejavu ? kind : kind === 'bold' ? 'Helvetica-Bold' : 'Helvetica'),
    finish: () => {
      pdf.end();
      return done;
    },
  };
}
