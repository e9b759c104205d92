import { createMetricsRegistry } from '@clapboard/server/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createProject, registerUser } from './fixtures';
import { createHarness, type Harness } from './harness';

/** The value of one sample line of Prometheus text, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('api /metrics (real Postgres and Redis)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('counts and times a real request under its route pattern, not its raw path', async () => {
    const owner = await registerUser(h, 'metrics');
    const project = await createProject(h, owner, 'Metered');
    const labels = { method: 'GET', route: '/api/v1/projects/:id', status: '2xx', service: 'api' };
    const before = await (await h.app.request('/metrics')).text();
    const res = await h.app.request(`/api/v1/projects/${project.id}`, { headers: auth(owner.token) });
    expect(res.status).toBe(200);
    const scrape = await h.app.request('/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
    const after = await scrape.text();
    expect(sample(after, 'clapboard_http_requests_total', labels)).toBe(
      (sample(before, 'clapboard_http_requests_total', labels) ?? 0) + 1,
    );
    expect(sample(after, 'clapboard_http_request_duration_seconds_count', labels)).toBe(
      (sample(before, 'clapboard_http_request_duration_seconds_count', labels) ?? 0) + 1,
    );
    expect(after).not.toContain(project.id);
    // Process metrics come with it.
    expect(after).toMatch(/^process_cpu_user_seconds_total\{service="api"\} /m);
  });

  it('answers 401 without the bearer token when METRICS_TOKEN is set', async () => {
    const token = 'metrics-token-0123456789';
    const locked = await createHarness({ metrics: { registry: createMetricsRegistry('api'), token } });
    try {
      expect((await locked.app.request('/metrics')).status).toBe(401);
      expect(
        (
          await locked.app.request('/metrics', {
            headers: { authorization: 'Bearer wrong-token-0123456789' },
          })
        ).status,
      ).toBe(401);
      const ok = await locked.app.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('clapboard_http_requests_total');
    } finally {
      await locked.close();
    }
  });
});
