import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchmarksFile = join(dirname(fileURLToPath(import.meta.url)), '../../docs/benchmarks.md');

/**
 * Replaces (or appends) one benchmark's section in `docs/benchmarks.md`, between
 * `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, so every `npm run bench:*` owns its own part
 * of the file and re-running one never clobbers the others.
 *
 * @param name short id, e.g. `screenplay`
 * @param markdown the section body: a heading, the command used, the machine, the table
 * @param after a new section goes right after this section (when present) instead of at the end
 */
export function writeBenchSection(name: string, markdown: string, after?: string): void {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const body = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(benchmarksFile)
    ? readFileSync(benchmarksFile, 'utf8')
    : '# Benchmarks\n\nEach section is written by the `npm run bench:*` command it names. Machine: the 2-core CI/dev box unless a section says otherwise.\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const afterEnd = after ? current.indexOf(`<!-- /bench:${after} -->`) : -1;
  const anchor = afterEnd >= 0 ? afterEnd + `<!-- /bench:${after} -->`.length : -1;
  const next =
    from >= 0 && to > from
      ? current.slice(0, from) + body + current.slice(to + end.length)
      : anchor >= 0
        ? `${current.slice(0, anchor)}\n\n${body}${current.slice(anchor)}`
        : `${current.trimEnd()}\n\n${body}\n`;
  mkdirSync(dirname(benchmarksFile), { recursive: true });
  writeFileSync(benchmarksFile, next);
}
