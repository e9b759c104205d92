/**
 * The docs stay true to the tree: every path a README or a page under docs/ names exists, every
 * environment variable an app reads is in `.env.example`, and no document sends readers to files
 * a clone does not have.
 *
 * A path is a relative markdown link target, or a code span that looks like a file path (a folder
 * and a file with an extension, or a top-level folder of the repository). It may be written
 * relative to the repository root, to the document's folder, or to that folder's `src/` (app
 * READMEs name their files as `routes/projects.ts`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function documents(): string[] {
  const inFolder = (dir: string, depth: number): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return depth > 0 && e.name !== 'node_modules' ? inFolder(path, depth - 1) : [];
      return e.name.endsWith('.md') ? [path] : [];
    });
  return [
    'README.md',
    ...inFolder('docs', 1),
    ...['apps', 'packages'].flatMap((d) => readdirSync(join(ROOT, d)).map((n) => join(d, n, 'README.md'))),
    'infra/README.md',
  ].filter((f) => existsSync(join(ROOT, f)));
}

const TOP = new Set(['apps', 'packages', 'infra', 'tests', 'docs', '.ci']);
/** Paths a document names: relative link targets and path-like code spans. */
function namedPaths(markdown: string): string[] {
  const links = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!.split('#')[0]!)
    .filter((t) => t && !/^[a-z]+:/i.test(t));
  const spans = [...markdown.matchAll(/`([^`\s]+)`/g)]
    .map((m) => m[1]!.replace(/[.,:;]+$/, ''))
    .filter(
      (s) =>
        !/[<>*{}$?=|]/.test(s) &&
        !s.startsWith('/') &&
        !s.includes('://') &&
        !s.startsWith('@') &&
        (/^[\w.-]+(\/[\w.-]+)+\.[a-z]{1,5}$/i.test(s) || TOP.has(s.split('/')[0]!)),
    );
  return [...new Set([...links, ...spans])];
}

function exists(doc: string, path: string): boolean {
  const dir = dirname(join(ROOT, doc));
  return [join(ROOT, path), join(dir, path), join(dir, 'src', path)].some((p) => existsSync(p));
}

describe('the docs are true to the tree', () => {
  const docs = documents();

  it('finds the documents (README, docs/, every app and package README)', () => {
    expect(docs).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/architecture.md',
        'docs/operations.md',
        'docs/api.md',
        'apps/api/README.md',
        'apps/realtime/README.md',
        'apps/gpu-worker/README.md',
        'apps/web/README.md',
        'packages/shared/README.md',
        'packages/server/README.md',
        'packages/screenplay/README.md',
      ]),
    );
  });

  it('every path a document names exists', () => {
    const missing = docs.flatMap((doc) =>
      namedPaths(readFileSync(join(ROOT, doc), 'utf8'))
        .filter((p) => !exists(doc, p))
        .map((p) => `${doc}: ${p}`),
    );
    expect(missing).toEqual([]);
  });

  it('no document sends readers outside the repository (../shared is the team’s, not a clone’s)', () => {
    for (const doc of docs) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const target of namedPaths(text)) {
        const abs = resolve(dirname(join(ROOT, doc)), target);
        if (!existsSync(join(ROOT, target)))
          expect(relative(ROOT, abs).startsWith('..'), `${doc} → ${target}`).toBe(false);
      }
      expect(text, doc).not.toMatch(/\.\.\/shared\//);
    }
  });

  it('every environment variable an app reads is in .env.example', () => {
    const example = new Set(
      [...readFileSync(join(ROOT, '.env.example'), 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map(
        (m) => m[1]!,
      ),
    );
    const envFiles = [
      ...readdirSync(join(ROOT, 'apps')).map((a) => join('apps', a, 'src/env.ts')),
      'infra/local/launcher-env.ts',
    ].filter((f) => existsSync(join(ROOT, f)));
    expect(envFiles.length).toBeGreaterThanOrEqual(4);
    const read = envFiles.flatMap((f) =>
      [...readFileSync(join(ROOT, f), 'utf8').matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => ({
        file: f,
        name: m[1]!,
      })),
    );
    expect(read.length).toBeGreaterThan(30);
    // PATH is the system's, not Clapboard's setting.
    const missing = read
      .filter((v) => v.name !== 'PATH' && !example.has(v.name))
      .map((v) => `${v.file}: ${v.name}`);
    expect(missing).toEqual([]);
  });

  it('no product code outside env.ts files reads process.env', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) {
          if (!['node_modules', 'dist', 'test', 'bench', 'testing', 'scripts'].includes(e.name)) walk(path);
        } else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$|env\.ts$|\.d\.ts$/.test(e.name)) {
          const text = readFileSync(join(ROOT, path), 'utf8');
          // Any read at all, PATH included: programs are found by the caller's parsed PATH or the shell.
          for (const m of text.matchAll(/process\.env\b(?:\.([A-Z][A-Z0-9_]+))?/g))
            offenders.push(`${path}: ${m[1] ?? 'process.env'}`);
        }
      }
    };
    for (const d of ['apps', 'packages']) for (const n of readdirSync(join(ROOT, d))) walk(join(d, n, 'src'));
    expect(offenders).toEqual([]);
  });

  it('every subpath a package exports is named in its README (a sign on every door)', () => {
    const unnamed: string[] = [];
    for (const pkg of readdirSync(join(ROOT, 'packages'))) {
      const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as {
        name: string;
        exports?: Record<string, string>;
      };
      const readme = readFileSync(join(ROOT, 'packages', pkg, 'README.md'), 'utf8');
      for (const sub of Object.keys(manifest.exports ?? {})) {
        if (sub === '.') continue;
        const name = sub.slice(1); // "./media" → "/media"
        if (!readme.includes(`${manifest.name}${name}`) && !readme.includes(`\`${name}\``))
          unnamed.push(`${manifest.name}${name}`);
      }
    }
    expect(unnamed).toEqual([]);
  });
});
