/**
 * Bundle budget: the gzipped JavaScript a browser must download before each route can render.
 *
 * Reads Vite's manifest (dist/.vite/manifest.json, from `build.manifest: true`), and for each route
 * sums the gzipped size of the entry chunk, the route's lazy chunks and every chunk they import
 * statically (dynamic imports are excluded: they load later). Prints the table, writes it to
 * docs/benchmarks.md (section "web"), and exits 1 when a route is over its budget.
 *
 * Run after `vite build`: `npm run bench:web` (root) or `npm test -w @clapboard/web`.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeBenchSection } from '../../../infra/bench/report.ts';

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}
type Manifest = Record<string, ManifestChunk>;

const dist = resolve(import.meta.dirname, '../dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8')) as Manifest;

/** Routes and the source files whose chunks they need before first paint. */
const ROUTES: Array<{ name: string; sources: string[]; budgetKb: number }> = [
  { name: 'sign-in (/login)', sources: ['src/routes/login.tsx'], budgetKb: 200 },
  { name: 'dashboard (/)', sources: ['src/routes/dashboard.tsx'], budgetKb: 500 },
  {
    name: 'workspace (/projects/:id/script)',
    sources: ['src/routes/workspace.tsx', 'src/routes/workspace-tab.tsx', 'src/tabs/script-tab.tsx'],
    budgetKb: 500,
  },
  {
    name: 'workspace storyboard',
    sources: ['src/routes/workspace.tsx', 'src/routes/workspace-tab.tsx', 'src/tabs/storyboard-tab.tsx'],
    budgetKb: 500,
  },
  // The list; the wizard is a lazy chunk of its own, loaded when a lesson is opened.
  {
    name: 'workspace lessons',
    sources: ['src/routes/workspace.tsx', 'src/routes/workspace-tab.tsx', 'src/tabs/lessons-tab.tsx'],
    budgetKb: 500,
  },
  {
    name: 'lesson wizard (opened)',
    sources: [
      'src/routes/workspace.tsx',
      'src/routes/workspace-tab.tsx',
      'src/tabs/lessons-tab.tsx',
      'src/lessons/lesson-wizard.tsx',
    ],
    budgetKb: 500,
  },
  {
    name: 'workspace lectures',
    sources: ['src/routes/workspace.tsx', 'src/routes/workspace-tab.tsx', 'src/tabs/lectures-tab.tsx'],
    budgetKb: 500,
  },
  {
    name: 'lecture page (opened)',
    sources: [
      'src/routes/workspace.tsx',
      'src/routes/workspace-tab.tsx',
      'src/tabs/lectures-tab.tsx',
      'src/lectures/lecture-page.tsx',
    ],
    budgetKb: 500,
  },
  { name: 'clients (/clients)', sources: ['src/routes/clients.tsx'], budgetKb: 500 },
  {
    name: 'campaign page (projects)',
    sources: [
      'src/routes/campaign.tsx',
      'src/routes/campaign-section.tsx',
      'src/campaigns/campaign-projects.tsx',
    ],
    budgetKb: 500,
  },
  {
    name: 'workspace variants',
    sources: ['src/routes/workspace.tsx', 'src/routes/workspace-tab.tsx', 'src/tabs/variants-tab.tsx'],
    budgetKb: 500,
  },
];

const gz = new Map<string, number>();
function gzipped(file: string): number {
  let n = gz.get(file);
  if (n === undefined) {
    n = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
    gz.set(file, n);
  }
  return n;
}

/** The chunk keys a set of chunks needs, following static imports only. */
function closure(keys: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (k: string) => {
    if (seen.has(k)) return;
    const chunk = manifest[k];
    if (!chunk) throw new Error(`${k} is not in the Vite manifest (renamed? update ROUTES)`);
    seen.add(k);
    for (const i of chunk.imports ?? []) visit(i);
  };
  for (const k of keys) visit(k);
  return seen;
}

const entry = Object.entries(manifest).find(([, c]) => c.isEntry)?.[0];
if (!entry) throw new Error('No entry chunk in the Vite manifest');
const rows = ROUTES.map((r) => {
  const keys = closure([entry, ...r.sources]);
  const bytes = [...keys].reduce((s, k) => s + gzipped(manifest[k]!.file), 0);
  return { ...r, kb: bytes / 1024, chunks: keys.size };
});

const lines = [
  '| route | initial JS (gzip) | budget | chunks | result |',
  '| --- | ---: | ---: | ---: | --- |',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.kb.toFixed(1)} KB | ${r.budgetKb} KB | ${r.chunks} | ${r.kb <= r.budgetKb ? 'ok' : 'OVER'} |`,
  ),
];
const markdown = [
  'Initial JavaScript per route of apps/web: the entry chunk plus the route chunks and their static',
  'imports, gzipped (level 9), from the Vite manifest of a production build.',
  '',
  `Command: \`npm run bench:web\` (vite build, then apps/web/scripts/check-bundle-size.ts), ${new Date().toISOString().slice(0, 10)}.`,
  '',
  ...lines,
].join('\n');
console.log(lines.join('\n'));
writeBenchSection('web', markdown);
const over = rows.filter((r) => r.kb > r.budgetKb);
if (over.length > 0) {
  console.error(`Over budget: ${over.map((r) => r.name).join(', ')}`);
  process.exit(1);
}
