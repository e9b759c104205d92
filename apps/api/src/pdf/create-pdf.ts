import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';

const DEJAVU = '/usr/share/fonts/truetype/dejavu';

export interface CreatedPdf {
  pdf: PDFKit.PDFDocument;
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
  return {
    pdf,
    font: (kind) => pdf.font(dejavu ? kind : kind === 'bold' ? 'Helvetica-Bold' : 'Helvetica'),
    finish: () => {
      pdf.end();
      return done;
    },
  };
}
