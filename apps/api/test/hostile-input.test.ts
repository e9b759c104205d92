import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@clapboard/server/logger';
import { errorBodySchema } from '@clapboard/shared/errors';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { BODY_LIMIT_DEFAULTS } from '../src/middleware/body-limits';
import { auth, createProject, registerUser, type TestUser, upload } from './fixtures';
import { createHarness, type Harness } from './harness';

const MB = 1024 * 1024;

/** A body of `total` bytes made lazily, 64 KiB at a time, counting what was actually pulled. */
function lazyBody(total: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x20); // spaces: valid JSON whitespace
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => sent };
}

describe('hostile input: body limits, text validation, security headers, error logging', () => {
  let h: Harness;
  let owner: TestUser;
  const logLines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    h = await createHarness({
      loginRateLimit: { perIpAccount: 1000, perIp: 1000 },
      log: createLogger('api-test', {
        level: 'info',
        destination: new Writable({
          write(chunk, _enc, done) {
            for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
            done();
          },
        }),
      }),
    });
    owner = await registerUser(h, 'hostile');
  });
  afterAll(() => h.close());

  describe('body limits', () => {
    it('refuses a streamed 100 MB login body with 413 after reading no more than the limit', async () => {
      const body = lazyBody(100 * MB);
      const before = process.memoryUsage().rss;
      const res = await h.app.request('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        body: body.stream,
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(errorBodySchema.parse(await res.json()).error.code).toBe('payload_too_large');
      // It stopped pulling as soon as the limit was passed (plus the chunk that passed it).
      expect(body.pulled()).toBeLessThanOrEqual(BODY_LIMIT_DEFAULTS.jsonBytes + 2 * 64 * 1024);
      expect(process.memoryUsage().rss - before).toBeLessThan(20 * MB);
    });

    it('over real HTTP: four 100 MB login bodies at once get 413 and the server grows < 20 MB', async () => {
      const server: Server = createServer(getRequestListener(h.app.fetch));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      // Half declare their length (refused from the header), half are chunked (refused when counted).
      const send = (declared: boolean) =>
        new Promise<{ status: number; written: number }>((resolve, reject) => {
          let written = 0;
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: '/api/v1/auth/login',
              headers: {
                'content-type': 'application/json',
                ...(declared ? { 'content-length': String(100 * MB) } : {}),
              },
            },
            (res) => {
              res.resume();
              req.destroy();
              resolve({ status: res.statusCode ?? 0, written });
            },
          );
          req.on('error', (err) => (written > 0 ? undefined : reject(err)));
          const pump = () => {
            while (written < 100 * MB && !req.destroyed) {
              written += chunk.byteLength;
              if (!req.write(chunk)) return void req.once('drain', pump);
            }
            if (!req.destroyed) req.end();
          };
          pump();
        });
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 5);
      try {
        const results = await Promise.all([send(true), send(true), send(false), send(false)]);
        expect(results.map((r) => r.status)).toEqual([413, 413, 413, 413]);
        // Nobody had to send the whole 100 MB before hearing no.
        for (const r of results) expect(r.written).toBeLessThan(100 * MB);
      } finally {
        clearInterval(sampler);
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
      expect(peak - before).toBeLessThan(20 * MB);
    });

    it('refuses an oversized JSON body on an authenticated route too, and keeps small ones working', async () => {
      const big = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT_DEFAULTS.jsonBytes + 10) });
      const res = await h.app.request('/api/v1/projects', {
        method: 'POST',
        headers: auth(owner.token),
        body: big,
      });
      expect(res.status).toBe(413);
      const ok = await h.app.request('/api/v1/projects', {
        method: 'POST',
        headers: auth(owner.token),
        body: JSON.stringify({ name: 'Fine' }),
      });
      expect(ok.status).toBe(201);
    });

    it('leaves streamed uploads to their own per-kind meter: a 3 MB image is accepted', async () => {
      const project = await createProject(h, owner, 'Uploads');
      // Noise does not compress: a real PNG bigger than the JSON limit.
      const { default: sharp } = await import('sharp');
      const noise = Buffer.from(Array.from({ length: 1000 * 1000 * 3 }, () => (Math.random() * 256) | 0));
      const png = await sharp(noise, { raw: { width: 1000, height: 1000, channels: 3 } })
        .png()
        .toBuffer();
      expect(png.byteLength).toBeGreaterThan(2 * BODY_LIMIT_DEFAULTS.jsonBytes);
      const res = await upload(h, owner.token, project.id, new Uint8Array(png), 'big.png');
      expect(res.status).toBe(201);
    });
  });

  describe('text validation', () => {
    it('a project name with a lone surrogate is a 400, not a 500', async () => {
      for (const name of ['Film \ud800', 'Film \udc00 end', 'nul\u0000name']) {
        const res = await h.app.request('/api/v1/projects', {
          method: 'POST',
          headers: auth(owner.token),
          body: JSON.stringify({ name }),
        });
        expect(res.status).toBe(400);
        expect(errorBodySchema.parse(await res.json()).error.code).toBe('validation_failed');
      }
      // A real pair (an emoji) is text.
      const emoji = await h.app.request('/api/v1/projects', {
        method: 'POST',
        headers: auth(owner.token),
        body: JSON.stringify({ name: 'Film 🎬' }),
      });
      expect(emoji.status).toBe(201);
    });

    it('a comment with NUL is a 400; the same comment without it is accepted', async () => {
      const project = await createProject(h, owner, 'Comments');
      const post = (body: string) =>
        h.app.request(`/api/v1/projects/${project.id}/comments`, {
          method: 'POST',
          headers: auth(owner.token),
          body: JSON.stringify({ body }),
        });
      const bad = await post('looks fine\u0000');
      expect(bad.status).toBe(400);
      const issues = errorBodySchema.parse(await bad.json()).error.details as { message: string }[];
      expect(issues.map((i) => i.message).join(' ')).toMatch(/NUL/);
      expect((await post('looks fine')).status).toBe(201);
    });

    it('a registration with NUL in the name is a 400', async () => {
      const res = await h.app.request('/api/v1/auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: 'nul@example.com',
          password: 'long enough password',
          name: 'a\u0000b',
        }),
      });
      expect(res.status).toBe(400);
    });
  });

  describe('security headers', () => {
    const dist = mkdtempSync(join(tmpdir(), 'clapboard-dist-'));
    afterAll(() => rmSync(dist, { recursive: true, force: true }));

    it('the web app and API answers carry CSP (no inline script), framing, nosniff and referrer policy', async () => {
      writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
      const app = createApp({ ...h.deps, webDist: dist });
      for (const path of ['/', '/projects/deep/link', '/healthz', '/api/v1/me']) {
        const res = await app.request(path);
        const csp = res.headers.get('content-security-policy') ?? '';
        const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
        expect(scriptSrc.trim()).toBe("script-src 'self'");
        expect(csp).toContain("frame-ancestors 'self'");
        expect(csp).toContain("object-src 'none'");
        expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
        // http PUBLIC_URL: no HSTS (it would pin a plain-http install to https).
        expect(res.headers.get('strict-transport-security')).toBeNull();
      }
    });

    it('REALTIME_PUBLIC_URL reaches the page as the realtime meta tag, escaped; unset, no tag', async () => {
      writeFileSync(join(dist, 'index.html'), '<!doctype html><html><head><title>x</title></head></html>');
      const tagged = createApp({
        ...h.deps,
        webDist: dist,
        realtimePublicUrl: 'https://studio.example.com/"x',
      });
      const html = await (await tagged.request('/projects/deep/link')).text();
      expect(html).toContain(
        '<head><meta name="clapboard-realtime" content="https://studio.example.com/&#34;x">',
      );
      const plain = createApp({ ...h.deps, webDist: dist });
      expect(await (await plain.request('/')).text()).not.toContain('clapboard-realtime');
    });

    it('HSTS is sent when PUBLIC_URL is https', async () => {
      const app = createApp({ ...h.deps, publicUrl: 'https://studio.example.com' });
      const res = await app.request('/healthz');
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
    });

    it('share-link player pages stay framable from anywhere (their own CSP, no X-Frame-Options)', async () => {
      const res = await h.app.request(`/embed/${'x'.repeat(43)}`);
      expect([404, 410]).toContain(res.status);
      expect(res.headers.get('content-security-policy')).toContain('frame-ancestors *');
      expect(res.headers.get('x-frame-options')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    });
  });

  describe('error logging', () => {
    it('an unhandled error is logged exactly once, with the request id, and answered 500', async () => {
      const app = createApp(h.deps);
      app.get('/boom-for-test', () => {
        throw new Error('kaboom');
      });
      const res = await app.request('/boom-for-test', { headers: { 'x-request-id': 'boom-1' } });
      expect(res.status).toBe(500);
      await new Promise((r) => setImmediate(r));
      const errors = logLines.filter((l) => l.msg === 'unhandled error');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({
        reqId: 'boom-1',
        err: expect.objectContaining({ message: 'kaboom' }),
      });
    });
  });
});
