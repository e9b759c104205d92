import { errorBodySchema } from '@clapboard/shared/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness';

describe('api health, errors and OpenAPI', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('GET /healthz answers 200 with the service name', async () => {
    const res = await h.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', service: 'api' });
    expect(res.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
  });

  it('GET /readyz checks the real Postgres and Redis', async () => {
    const res = await h.app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { postgres: true, redis: true } });
  });

  it('GET /readyz answers 503 naming the dependency that is down', async () => {
    const { createRedis } = await import('@clapboard/server/redis');
    const deadRedis = createRedis('redis://127.0.0.1:1', { lazyConnect: true, retryStrategy: () => null });
    deadRedis.on('error', () => {});
    const broken = await createHarness({ redis: deadRedis });
    try {
      const res = await broken.app.request('/readyz');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'not_ready', checks: { postgres: true, redis: false } });
    } finally {
      await broken.close();
    }
  });

  it('unknown routes get the error body with 404', async () => {
    const res = await h.app.request('/api/v1/nope');
    expect(res.status).toBe(404);
    const body = errorBodySchema.parse(await res.json());
    expect(body.error.code).toBe('not_found');
  });

  it('serves an OpenAPI 3.1 document listing the routes', async () => {
    const res = await h.app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
  });

  it('keeps a well-formed incoming request id and replaces a hostile one', async () => {
    expect(
      (await h.app.request('/healthz', { headers: { 'x-request-id': 'abc-123' } })).headers.get(
        'x-request-id',
      ),
    ).toBe('abc-123');
    const hostile = await h.app.request('/healthz', { headers: { 'x-request-id': 'a b<script>' } });
    expect(hostile.headers.get('x-request-id')).not.toContain('<');
  });
});
