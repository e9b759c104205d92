import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadEnv as loadApiEnv } from '../apps/api/src/env';
import { loadEnv as loadWorkerEnv } from '../apps/gpu-worker/src/env';
import { loadEnv as loadRealtimeEnv } from '../apps/realtime/src/env';

// `docker compose config` is not available everywhere tests run, so the file is checked against
// the Compose Specification's own JSON schema (vendored with its licence in compose-spec/).
const HERE = import.meta.dirname;
// biome-ignore lint/suspicious/noExplicitAny: compose files are free-form YAML until validated
type Doc = Record<string, any>;

const schema = JSON.parse(readFileSync(join(HERE, 'compose-spec/compose-spec.json'), 'utf8'));
// The file names draft-07 by its https address, which Ajv (draft-07 by default) does not know by that name.
delete schema.$schema;
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const validateCompose = ajv.compile(schema);
const problems = (doc: unknown) =>
  validateCompose(doc) ? [] : (validateCompose.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

/** Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}` against `vars`, as `docker compose` does. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    const v = vars[name];
    if (v !== undefined && v !== '') return v;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

const text = readFileSync(join(HERE, 'compose.yaml'), 'utf8');
const compose = parse(text, { merge: true }) as Doc;
const LOADERS: Record<string, (env: Record<string, string>) => unknown> = {
  'apps/api/src/main.ts': loadApiEnv,
  'apps/api/src/migrate-main.ts': loadApiEnv,
  'apps/realtime/src/main.ts': loadRealtimeEnv,
  'apps/gpu-worker/src/main.ts': loadWorkerEnv,
};

describe('infra/compose.yaml', () => {
  it('is a valid Compose file by the Compose Specification schema', () => {
    expect(problems(compose)).toEqual([]);
  });

  it('a broken Compose file is rejected', () => {
    const broken = structuredClone(compose);
    broken.services.api.ports = '8787:8787';
    broken.services.api.restart_policy = 'always';
    expect(problems(broken).length).toBeGreaterThanOrEqual(2);
  });

  it('runs every Clapboard service with a configuration its app accepts', () => {
    const vars = { JWT_SECRET: 'j'.repeat(40), METRICS_TOKEN: 'm'.repeat(20) };
    const apps = Object.entries(compose.services as Record<string, Doc>).filter(([, s]) =>
      String(s.command?.join(' ')).startsWith('npx tsx apps/'),
    );
    expect(apps.map(([n]) => n).sort()).toEqual(['api', 'migrate', 'realtime', 'worker', 'worker-gpu']);
    for (const [name, service] of apps) {
      const env = Object.fromEntries(
        Object.entries(service.environment as Record<string, string>).map(([k, v]) => [
          k,
          interpolate(String(v), vars),
        ]),
      );
      expect(() => LOADERS[service.command[2]]!(env), name).not.toThrow();
      // JWT_SECRET and METRICS_TOKEN come from the operator, never from the file.
      expect(() => interpolate(String(service.environment.METRICS_TOKEN), {}), name).toThrow(/METRICS_TOKEN/);
    }
  });

  it('puts the GPU worker behind the gpu profile with an NVIDIA device reservation', () => {
    const gpu = compose.services['worker-gpu'];
    expect(gpu.profiles).toEqual(['gpu']);
    expect(gpu.environment).toMatchObject({ WORKER_QUEUES: 'gpu', WORKER_DEVICE: 'cuda' });
    expect(gpu.deploy.resources.reservations.devices).toEqual([
      { driver: 'nvidia', count: 1, capabilities: ['gpu'] },
    ]);
    // Without the profile every queue still has a worker.
    expect(compose.services.worker.profiles).toBeUndefined();
    expect(compose.services.worker.environment.WORKER_QUEUES.split(',').sort()).toEqual(['cpu', 'gpu']);
  });

  it('health checks and Prometheus targets use the services’ real ports and paths', () => {
    const prom = parse(readFileSync(join(HERE, 'prometheus/prometheus.yml'), 'utf8')) as Doc;
    const targets = prom.scrape_configs.flatMap((c: Doc) => c.static_configs.flatMap((s: Doc) => s.targets));
    expect(targets.sort()).toEqual(['api:8787', 'realtime:8788', 'worker-gpu:8789', 'worker:8789']);
    for (const c of prom.scrape_configs)
      expect(c.authorization.credentials_file).toBe('/run/secrets/metrics_token');
    expect(compose.services.prometheus.secrets).toEqual(['metrics_token']);
    for (const name of ['api', 'realtime', 'worker', 'worker-gpu'])
      expect(compose.services[name].healthcheck.test.join(' '), name).toMatch(/127\.0\.0\.1:878\d\/readyz/);
  });
});
