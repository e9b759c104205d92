import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LESSON_PLAYER_DIR, LESSON_PLAYER_FILES } from '@clapboard/server/lesson-player';
import { build, type Plugin } from 'esbuild';
import { SWAGGER_FILES } from '../routes/docs';

const here = dirname(fileURLToPath(import.meta.url));
/** apps/api */
export const API_ROOT = resolve(here, '../..');
/** The bundled worker: one ES module, what workerd runs and what `wrangler deploy` uploads. */
export const EDGE_BUNDLE = join(API_ROOT, 'dist/edge/worker.js');

const builtins = new Set(builtinModules);
const PDF_STANDARD_FONTS = [
  'Courier',
  'CourierBold',
  'CourierBoldOblique',
  'CourierOblique',
  'Helvetica',
  'HelveticaBold',
  'HelveticaBoldOblique',
  'HelveticaOblique',
  'Symbol',
  'TimesBold',
  'TimesBoldItalic',
  'TimesItalic',
  'TimesRoman',
  'ZapfDingbats',
];
const NODE_BUILD_PACKAGES = ['pino', 'notepack.io', 'buffer-crc32'];
const NODE_BUILD_IMPORT = new RegExp(`^(${NODE_BUILD_PACKAGES.join('|').replaceAll('.', '\\.')})$`);
const NODE_BUILD_DIR = new RegExp(`node_modules/(${NODE_BUILD_PACKAGES.join('|').replaceAll('.', '\\.')})/`);

/**
 * Node built-ins as workerd provides them (`node:` modules, with nodejs_compat). prom-client's
 * default collectors import `v8`, which workerd lacks; the edge never collects them (no /metrics
 * there), so an empty stand-in lets the module load.
 */
const nodeBuiltins: Plugin = {
  name: 'clapboard-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^(node:)?v8$/ }, () => ({ path: 'v8', namespace: 'clapboard-empty' }));
    b.onLoad({ filter: /.*/, namespace: 'clapboard-empty' }, () => ({
      contents: 'export default {}; export const getHeapSpaceStatistics = () => [];',
      loader: 'js',
    }));
    // Packages whose browser builds do not fit workerd take their Node builds (workerd has the
    // Buffer, streams and events they use): pino's browser build logs objects to the console
    // without redaction (the Node build, given our console destination, redacts as on Node);
    // notepack.io's encodes Socket.IO packets to ArrayBuffers that ioredis cannot publish;
    // buffer-crc32's ES build lacks the `crc32.unsigned` yazl calls.
    b.onResolve({ filter: NODE_BUILD_IMPORT }, (args) => ({
      path: createRequire(join(args.resolveDir, 'x.js')).resolve(args.path),
    }));
    b.onResolve({ filter: /^\.\.?\// }, (args) =>
      NODE_BUILD_DIR.test(args.importer)
        ? { path: createRequire(args.importer).resolve(args.path) }
        : undefined,
    );
    // Swagger UI's files, embedded (the edge has no node_modules to read them from).
    b.onResolve({ filter: /^clapboard:swagger-files$/ }, () => ({
      path: 'swagger',
      namespace: 'clapboard-swagger',
    }));
    b.onLoad({ filter: /.*/, namespace: 'clapboard-swagger' }, () => {
      const dir = dirname(createRequire(join(API_ROOT, 'x.js')).resolve('swagger-ui-dist/package.json'));
      const files = Object.fromEntries(
        Object.keys(SWAGGER_FILES).map((name) => [name, readFileSync(join(dir, name)).toString('base64')]),
      );
      return {
        contents: `const files = ${JSON.stringify(files)};
export default Object.fromEntries(Object.entries(files).map(([n, b]) => [n, Uint8Array.from(atob(b), (c) => c.charCodeAt(0))]));`,
        loader: 'js',
      };
    });
    // The lesson player's browser files (share links serve them), embedded as text.
    b.onResolve({ filter: /^clapboard:lesson-player-files$/ }, () => ({
      path: 'player',
      namespace: 'clapboard-player',
    }));
    b.onLoad({ filter: /.*/, namespace: 'clapboard-player' }, () => {
      const files = Object.fromEntries(
        LESSON_PLAYER_FILES.map((name) => [name, readFileSync(new URL(name, LESSON_PLAYER_DIR), 'utf8')]),
      );
      return { contents: `export default ${JSON.stringify(files)};`, loader: 'js' };
    });
    // pdfkit's build for workerd reads no font files: its 14 standard fonts are registered here.
    b.onResolve({ filter: /^clapboard:pdf-standard-fonts$/ }, () => ({
      path: 'fonts',
      namespace: 'clapboard-pdf-fonts',
      pluginData: { resolveDir: API_ROOT },
    }));
    b.onLoad({ filter: /.*/, namespace: 'clapboard-pdf-fonts' }, () => ({
      contents: `import { registerStdFonts } from 'pdfkit';
${PDF_STANDARD_FONTS.map((f) => `import ${f} from 'pdfkit/standard-fonts/${f}';`).join('\n')}
registerStdFonts(${PDF_STANDARD_FONTS.join(', ')});`,
      loader: 'js',
      resolveDir: API_ROOT,
    }));
    b.onResolve({ filter: /^[a-z_/]+$/ }, (args) =>
      builtins.has(args.path) ? { path: `node:${args.path}`, external: true } : undefined,
    );
    b.onResolve({ filter: /^(node|cloudflare):/ }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * Bundles src/edge/worker.ts for workerd: `workerd` export conditions (postgres.js picks its
 * cloudflare:sockets build, `#argon2` its portable argon2id), Node built-ins left to the runtime,
 * and a module-level `require` so CommonJS dependencies can load them. Returns the bundle's size.
 */
export async function buildEdge(outfile = EDGE_BUNDLE): Promise<{ outfile: string; bytes: number }> {
  const result = await build({
    entryPoints: [join(API_ROOT, 'src/edge/worker.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2023',
    conditions: ['workerd', 'worker', 'browser', 'import'],
    mainFields: ['browser', 'module', 'main'],
    minifySyntax: true,
    // workerd gives modules no file URL; modules that locate files next to themselves at load
    // (migrations, fonts) get a harmless one and never read them on the edge.
    define: { 'import.meta.url': '"file:///worker.js"' },
    metafile: true,
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __clapboardCreateRequire } from 'node:module'; const require = __clapboardCreateRequire('/worker.js');",
    },
    plugins: [nodeBuiltins],
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  return { outfile, bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outfile, bytes } = await buildEdge();
  console.log(`edge bundle: ${outfile} (${(bytes / 1024 / 1024).toFixed(1)} MiB)`);
}
