import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const HIDDEN = new Set(['level', 'time', 'service', 'msg', 'pid', 'hostname']);

/**
 * Copies a child's output line by line with a `[name]` prefix. In `pretty` mode pino JSON lines
 * become `[api] info request method=GET path=/ …` so a person can read the terminal.
 */
export function prefixLines(from: Readable, name: string, to: Writable, format: 'pretty' | 'json'): void {
  const tag = `[${name}]`.padEnd(11);
  createInterface({ input: from }).on('line', (line) => {
    if (format === 'pretty' && line.startsWith('{')) {
      try {
        const o = JSON.parse(line) as Record<string, unknown>;
        const fields = Object.entries(o)
          .filter(([k]) => !HIDDEN.has(k))
          .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
          .join(' ');
        to.write(`${tag} ${LEVELS[o.level as number] ?? 'log'} ${String(o.msg ?? '')} ${fields}\n`);
        return;
      } catch {
        // not JSON after all: print as is
      }
    }
    to.write(`${tag} ${line}\n`);
  });
}
