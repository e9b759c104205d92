import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness';

describe('OpenAPI document and offline docs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('is OpenAPI 3.1 with bodies from the shared zod schemas and bearer security', async () => {
    const doc = (await (await h.app.request('/api/openapi.json')).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            security?: unknown;
            requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
          }
        >
      >;
      components: { securitySchemes: Record<string, { scheme: string }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth?.scheme).toBe('bearer');
    const register = doc.paths['/api/v1/auth/register']!.post!;
    expect(Object.keys(register.requestBody!.content['application/json']!.schema.properties!)).toEqual([
      'email',
      'password',
      'name',
    ]);
    expect(doc.paths['/api/v1/projects']!.get!.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(doc.paths['/api/v1/projects/{id}/assets']!.post!.requestBody!.content)).toEqual([
      'multipart/form-data',
    ]);
  });

  it('serves Swagger UI from the API itself: every script and style is same-origin', async () => {
    const page = await h.app.request('/api/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      expect(ref.startsWith('/api/docs/')).toBe(true);
      const res = await h.app.request(ref);
      expect(res.status, ref).toBe(200);
      expect((await res.arrayBuffer()).byteLength, ref).toBeGreaterThan(100);
    }
    // The CSP forbids any other origin, so a CDN reference could not even load.
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const init = await (await h.app.request('/api/docs/init.js')).text();
    expect(init).toContain("url: '/api/openapi.json'");
    expect(init).toContain('validatorUrl: null');
  });
});
