import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, lazyChild } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: createLogger('test', { level: 'info', destination }) };
}

describe('lazyChild', () => {
  it('writes the same lines as an eager child, bindings and redaction included', async () => {
    const { lines, log } = capture();
    const parent = log.child({ reqId: 'r1' });
    parent.child({ userId: 'u1' }).info({ token: 'secret-value', n: 1 }, 'hello');
    lazyChild(parent, { userId: 'u1' }).info({ token: 'secret-value', n: 1 }, 'hello');
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(2);
    const [eager, lazy] = lines.map(({ time: _time, ...rest }) => rest);
    expect(lazy).toEqual(eager);
    expect(lazy).toMatchObject({
      service: 'test',
      reqId: 'r1',
      userId: 'u1',
      token: '[redacted]',
      msg: 'hello',
    });
  });

  it('nests: a lazy child of a lazy child carries both bindings, and level checks work', async () => {
    const { lines, log } = capture();
    const inner = lazyChild(lazyChild(log, { reqId: 'r2' }), { userId: 'u2' });
    expect(inner.isLevelEnabled('debug')).toBe(false);
    inner.debug('not written');
    inner.child({ jobId: 'j' }).warn('careful');
    await new Promise((r) => setImmediate(r));
    expect(lines).toEqual([
      expect.objectContaining({ reqId: 'r2', userId: 'u2', jobId: 'j', msg: 'careful' }),
    ]);
  });
});

describe('bufferedDestination', () => {
  it('writes a quiet stretch within its flush interval, and everything on an abrupt exit', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { execFileSync } = await import('node:child_process');
    const { bufferedDestination, LOG_DEFAULTS } = await import('./logger');
    const dir = mkdtempSync(join(tmpdir(), 'clapboard-log-'));

    // In this process: one line, nothing else happening, appears after the flush interval.
    const quiet = join(dir, 'quiet.log');
    const log = createLogger('test', { destination: bufferedDestination(quiet) });
    log.info({ n: 1 }, 'alone');
    const deadline = Date.now() + LOG_DEFAULTS.flushMs * 20;
    let text = '';
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, LOG_DEFAULTS.flushMs / 2));
      try {
        text = readFileSync(quiet, 'utf8');
      } catch {}
      if (text) break;
    }
    expect(JSON.parse(text.trim())).toMatchObject({ n: 1, msg: 'alone' });

    // In a child process writing to stdout as services do: 500 lines (more than one buffer),
    // then process.exit at once.
    const script = `
      import { bufferedDestination, createLogger } from ${JSON.stringify(new URL('./logger.ts', import.meta.url).pathname)};
      const log = createLogger('t', { destination: bufferedDestination(1) });
      for (let i = 0; i < 500; i++) log.info({ i }, 'line');
      process.exit(3);`;
    let out = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: 'pipe',
      });
    } catch (err) {
      expect((err as { status: number }).status).toBe(3);
      out = String((err as { stdout: Buffer }).stdout);
    }
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(500);
    expect(JSON.parse(lines[499]!)).toMatchObject({ i: 499 });
  });
});
