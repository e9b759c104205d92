/**
 * `npm run bench:screenplay` (second half): time to build the screenplay PDF of a feature-length
 * script: parse, lay out on pages (paginateScreenplay) and draw in Courier with pdfkit, on the same
 * generated script as the parse benchmark and on one that prints exactly 120 pages. Writes its
 * section of docs/benchmarks.md right after the parser's. Target: under 2 s for 120 pages.
 */
import { cpus, loadavg } from 'node:os';
import { paginateScreenplay, parseFountain } from '@clapboard/screenplay';
import { writeBenchSection } from '../../../infra/bench/report.ts';
import { generateScreenplay } from '../../../packages/screenplay/bench/generate-screenplay.ts';
import { screenplayPdf } from '../src/deliverables/screenplay-pdf';

const WARMUP = 2;
const ITERATIONS = 10;
const TARGET_MS = 2000;

/** The generator's page argument whose script prints `pages` pages in our layout (binary search). */
function scriptOfPages(pages: number): string {
  let lo = 10;
  let hi = 400;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (paginateScreenplay(parseFountain(generateScreenplay(mid))).pages.length < pages) lo = mid + 1;
    else hi = mid;
  }
  return generateScreenplay(lo);
}

interface Row {
  input: string;
  pages: number;
  bytes: number;
  layout: number[];
  draw: number[];
}

async function measure(input: string, script: string): Promise<Row> {
  const row: Row = { input, pages: 0, bytes: 0, layout: [], draw: [] };
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const t0 = performance.now();
    const paginated = paginateScreenplay(parseFountain(script));
    const t1 = performance.now();
    const pdf = await screenplayPdf(paginated, { title: 'Bench', versionId: 'bench', versionName: 'bench' });
    const t2 = performance.now();
    if (i < WARMUP) continue;
    row.layout.push(t1 - t0);
    row.draw.push(t2 - t1);
    row.pages = paginated.pages.length;
    row.bytes = pdf.length;
  }
  return row;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const max = (xs: number[]) => Math.max(...xs);
const rows = [
  await measure('exactly 120 printed pages', scriptOfPages(120)),
  await measure('`generateScreenplay(120)` (the parse benchmark’s input)', generateScreenplay(120)),
];
const fmt = (n: number) => n.toFixed(0);
const total = (r: Row) => r.layout.map((l, i) => l + r.draw[i]!);
const worst = max(total(rows[0]!));

const markdown = `## Screenplay PDF (\`apps/api/src/deliverables/screenplay-pdf.ts\`)

Command: \`npm run bench:screenplay\` (runs \`bench:screenplay-pdf\` of \`@clapboard/api\` after the parser) · run ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpus().length} CPUs (1-minute load average ${loadavg()[0]!.toFixed(1)} at the end) · ${ITERATIONS} runs after ${WARMUP} warm-up runs.

Parse + \`paginateScreenplay\` (Courier 12 pt layout, (MORE)/(CONT'D)), then pdfkit drawing every line, as \`GET …/export.pdf\` does (without the database read).

| input | printed pages | PDF KiB | layout mean ms | draw mean ms | total mean ms | total max ms |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${rows
  .map(
    (r) =>
      `| ${r.input} | ${r.pages} | ${(r.bytes / 1024).toFixed(0)} | ${fmt(mean(r.layout))} | ${fmt(mean(r.draw))} | ${fmt(mean(total(r)))} | ${fmt(max(total(r)))} |`,
  )
  .join('\n')}

Target: a 120-page script's PDF in under ${TARGET_MS / 1000} s — **${worst < TARGET_MS ? 'met' : 'not met'}** (slowest run ${fmt(worst)} ms).
`;

writeBenchSection('screenplay-pdf', markdown, 'screenplay');
console.log(markdown);
