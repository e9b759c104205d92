import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMetricsRegistry,
  httpMetrics,
  queueBacklogMetrics,
  realtimeMetrics,
  workerMetrics,
} from '@clapboard/server/metrics';
import { createRedis } from '@clapboard/server/redis';
import { testServices } from '@clapboard/server/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const HERE = import.meta.dirname;
const RULES = join(HERE, 'prometheus/rules');

/** Runs promtool; returns its exit status and output (it is installed by infra/system-packages.txt). */
function promtool(args: string[], cwd = HERE): { status: number; output: string } {
  try {
    return { status: 0, output: execFileSync('promtool', args, { cwd, encoding: 'utf8', stdio: 'pipe' }) };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string; code?: string };
    if (e.code === 'ENOENT')
      throw new Error('promtool is missing: apt-get install prometheus (see infra/system-packages.txt)');
    return { status: e.status ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** Metric names every service registers, read from the real registries (histograms expanded). */
function exportedNames(): Set<string> {
  const redis = createRedis(testServices(process.env).redisUrl, { lazyConnect: true });
  const registry = createMetricsRegistry('names');
  httpMetrics(registry);
  realtimeMetrics(registry, () => ({
    documents: 0,
    connections: 0,
    socketConnections: 0,
    updatesAccepted: 0,
    persistErrors: 0,
    relayedUpdatesStored: 0,
    updatesAlreadyStored: 0,
  }));
  workerMetrics(registry);
  queueBacklogMetrics(registry, redis, 'names:q');
  redis.disconnect();
  const names = new Set<string>();
  for (const m of registry.getMetricsAsArray()) {
    const { name, type } = m as unknown as { name: string; type: string };
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
  }
  // The worker's model metrics are written by hand (apps/gpu-worker/src/models/models-metrics.ts).
  const models = readFileSync(join(HERE, '../apps/gpu-worker/src/models/models-metrics.ts'), 'utf8');
  for (const m of models.matchAll(/# TYPE (\w+) /g)) names.add(m[1]!);
  return names;
}

/** Clapboard and Node/process metric names a PromQL expression uses that no service exports. */
function unknownMetrics(expr: string, exported: Set<string>): string[] {
  const used = [...expr.matchAll(/\b((?:clapboard|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]!);
  return used.filter((n) => !exported.has(n));
}

const ruleExprs = (): string[] =>
  readdirSync(RULES)
    .filter((f) => f.endsWith('.yml') && !f.endsWith('.test.yml'))
    .flatMap((f) =>
      (
        parse(readFileSync(join(RULES, f), 'utf8')) as { groups: { rules: { expr: string }[] }[] }
      ).groups.flatMap((g) => g.rules.map((r) => r.expr)),
    );
const dashboardExprs = (): string[] =>
  readdirSync(join(HERE, 'grafana/dashboards')).flatMap((f) => {
    const dash = JSON.parse(readFileSync(join(HERE, 'grafana/dashboards', f), 'utf8')) as {
      panels: { targets?: { expr: string }[] }[];
    };
    return dash.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  });

describe('alert rules and dashboards (promtool, real metric registries)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'clapboard-rules-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('promtool accepts the rules and their unit tests pass', () => {
    const check = promtool(['check', 'rules', 'prometheus/rules/clapboard.yml']);
    expect(check.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(check.status).toBe(0);
    const unit = promtool(['test', 'rules', 'clapboard.test.yml'], RULES);
    expect(unit.output).toContain('SUCCESS');
    expect(unit.status).toBe(0);
  });

  it('promtool rejects a broken rule and a unit test whose expectation is wrong', () => {
    writeFileSync(
      join(scratch, 'broken.yml'),
      'groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: rate(foo[5m]\n',
    );
    expect(promtool(['check', 'rules', join(scratch, 'broken.yml')]).status).not.toBe(0);
    const tests = readFileSync(join(RULES, 'clapboard.test.yml'), 'utf8').replace(
      'severity: warning, queue: clapboard-gpu',
      'severity: warning, queue: clapboard-cpu',
    );
    writeFileSync(join(scratch, 'clapboard.yml'), readFileSync(join(RULES, 'clapboard.yml')));
    writeFileSync(join(scratch, 'wrong.test.yml'), tests);
    expect(promtool(['test', 'rules', 'wrong.test.yml'], scratch).status).not.toBe(0);
  });

  it('every metric the rules and dashboards use is one a service exports', () => {
    const exported = exportedNames();
    expect(exported).toContain('clapboard_http_request_duration_seconds_bucket');
    expect(unknownMetrics('rate(clapboard_nope_total[5m])', exported)).toEqual(['clapboard_nope_total']);
    const exprs = [...ruleExprs(), ...dashboardExprs()];
    expect(exprs.length).toBeGreaterThan(10);
    expect(exprs.flatMap((e) => unknownMetrics(e, exported))).toEqual([]);
  });

  it('every alert has at least one promtool unit test', () => {
    const alerts = readdirSync(RULES)
      .filter((f) => f.endsWith('.yml') && !f.endsWith('.test.yml'))
      .flatMap((f) =>
        [...readFileSync(join(RULES, f), 'utf8').matchAll(/- alert: (\w+)/g)].map((m) => m[1]!),
      );
    const tested = readFileSync(join(RULES, 'clapboard.test.yml'), 'utf8');
    expect(alerts.filter((a) => !tested.includes(`alertname: ${a}`))).toEqual([]);
  });
});
