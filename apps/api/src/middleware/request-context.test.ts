import { Writable } from 'node:stream';
import { createLogger } from '@clapboard/server/logger';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../app-env';
import { requestContext } from './request-context';

describe('requestContext', () => {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('test', {
    destination: new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  });
  const app = new Hono<AppEnv>()
    .use('*', requestContext(log))
    .get('/json', (c) => c.json({ ok: true }))
    .get('/raw', () => new Response('raw', { headers: { 'x-kept': '1' } }))
    // Response.redirect() has immutable headers: the id still gets onto the response.
    .get('/redirect', () => Response.redirect('http://localhost/json', 302));

  it('puts the request id on every kind of response and logs one access line with it', async () => {
    for (const path of ['/json', '/raw', '/redirect']) {
      const res = await app.request(path, { headers: { 'x-request-id': `id-${path.slice(1)}` } });
      expect(res.headers.get('x-request-id')).toBe(`id-${path.slice(1)}`);
      if (path === '/raw') expect([res.headers.get('x-kept'), await res.text()]).toEqual(['1', 'raw']);
    }
    expect(lines.map((l) => [l.reqId, l.path, l.status, l.msg])).toEqual([
      ['id-json', '/json', 200, 'request'],
      ['id-raw', '/raw', 200, 'request'],
      ['id-redirect', '/redirect', 302, 'request'],
    ]);
  });
});
