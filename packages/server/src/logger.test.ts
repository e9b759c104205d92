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
