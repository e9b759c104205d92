import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceEnvShape } from '@clapboard/server/config';
import { METRIC_NAMES } from '@clapboard/server/metrics';
import { bullBacklogKeys, redisNames } from '@clapboard/server/redis-keys';
import { blobStoreEnvShape } from '@clapboard/server/storage';
import { QUEUE_NAMES, type ResourceClass } from '@clapboard/shared/jobs';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadEnv as loadApiEnv } from '../../apps/api/src/env';
import { loadEnv as loadWorkerEnv } from '../../apps/gpu-worker/src/env';
import { loadEnv as loadRealtimeEnv } from '../../apps/realtime/src/env';

const ROOT = join(import.meta.dirname, '../..');
const K8S = join(ROOT, 'infra/k8s');

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML until validated
type Doc = Record<string, any>;

/** The model class for each apiVersion/kind the manifests may use; anything else is refused. */
// biome-ignore lint/suspicious/noExplicitAny: each model takes its own typed shape; the YAML is checked at runtime
const MODELS: Record<string, new (d: any) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
};

/** Every document of every YAML file under infra/k8s, parsed strictly (a YAML error throws). */
function loadManifests(): Doc[] {
  return readdirSync(K8S)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(K8S, f), 'utf8')).map((d) => {
        if (d.errors.length) throw new Error(`${f}: ${d.errors[0]!.message}`);
        return d.toJS() as Doc;
      }),
    );
}

/** Validates each document against its Kubernetes (or KEDA) schema; returns the problems. */
function schemaProblems(docs: Doc[]): string[] {
  return docs.flatMap((d) => {
    const key = `${d.apiVersion}/${d.kind}`;
    const Model = MODELS[key];
    if (!Model) return [`${d.metadata?.name}: no model for ${key}`];
    try {
      new Model(d).validate();
      return [];
    } catch (err) {
      return [`${key} ${d.metadata?.name}: ${(err as Error).message.split('\n')[0]}`];
    }
  });
}

const ofKind = (docs: Doc[], kind: string) => docs.filter((d) => d.kind === kind);
const podSpecs = (docs: Doc[]) =>
  docs
    .filter((d) => d.kind === 'Deployment' || d.kind === 'Job')
    .map((d) => ({
      name: d.metadata.name as string,
      labels: d.spec.template.metadata?.labels ?? {},
      spec: d.spec.template.spec,
    }));
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Cross-references between documents; returns the broken ones. */
function referenceProblems(docs: Doc[]): string[] {
  const problems: string[] = [];
  const pods = podSpecs(docs);
  const deployments = ofKind(docs, 'Deployment');
  for (const d of deployments)
    if (!matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels))
      problems.push(`Deployment ${d.metadata.name}: selector does not match its pod labels`);
  for (const s of ofKind(docs, 'Service')) {
    const target = deployments.find((d) => matches(s.spec.selector, d.spec.template.metadata.labels));
    if (!target) problems.push(`Service ${s.metadata.name}: selector matches no Deployment`);
    const ports = target?.spec.template.spec.containers.flatMap((c: Doc) => c.ports ?? []) ?? [];
    for (const p of s.spec.ports)
      if (!ports.some((cp: Doc) => cp.name === p.targetPort || cp.containerPort === p.targetPort))
        problems.push(`Service ${s.metadata.name}: targetPort ${p.targetPort} is no container port`);
  }
  for (const p of ofKind(docs, 'PodDisruptionBudget'))
    if (!deployments.some((d) => matches(p.spec.selector.matchLabels, d.spec.template.metadata.labels)))
      problems.push(`PodDisruptionBudget ${p.metadata.name}: selector matches no Deployment`);
  const named = (kind: string, name: string) => docs.some((d) => d.kind === kind && d.metadata.name === name);
  for (const h of ofKind(docs, 'HorizontalPodAutoscaler'))
    if (!named(h.spec.scaleTargetRef.kind, h.spec.scaleTargetRef.name))
      problems.push(`HPA ${h.metadata.name}: no ${h.spec.scaleTargetRef.kind} ${h.spec.scaleTargetRef.name}`);
  for (const so of ofKind(docs, 'ScaledObject')) {
    if (!named('Deployment', so.spec.scaleTargetRef.name))
      problems.push(`ScaledObject ${so.metadata.name}: no Deployment ${so.spec.scaleTargetRef.name}`);
    for (const t of so.spec.triggers)
      if (t.authenticationRef && !named('TriggerAuthentication', t.authenticationRef.name))
        problems.push(
          `ScaledObject ${so.metadata.name}: no TriggerAuthentication ${t.authenticationRef.name}`,
        );
  }
  const secretKeys = new Map(
    ofKind(docs, 'Secret').map((s) => [
      s.metadata.name,
      new Set(Object.keys({ ...s.data, ...s.stringData })),
    ]),
  );
  const configKeys = new Map(
    ofKind(docs, 'ConfigMap').map((c) => [c.metadata.name, new Set(Object.keys(c.data))]),
  );
  const secretRef = (where: string, name: string, key: string) => {
    if (!secretKeys.get(name)?.has(key)) problems.push(`${where}: Secret ${name} has no key ${key}`);
  };
  for (const pod of pods)
    for (const c of pod.spec.containers) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) secretRef(`${pod.name}/${e.name}`, ref.name, ref.key);
        if (ref && ref.key !== e.name) problems.push(`${pod.name}/${e.name}: reads Secret key ${ref.key}`);
        if (e.value !== undefined && /SECRET|PASSWORD|TOKEN|_URL$/.test(e.name) && e.name !== 'PUBLIC_URL')
          problems.push(`${pod.name}/${e.name}: a secret as a literal value`);
      }
      for (const f of c.envFrom ?? []) {
        if (f.configMapRef && !configKeys.has(f.configMapRef.name))
          problems.push(`${pod.name}: no ConfigMap ${f.configMapRef.name}`);
        if (f.secretRef) problems.push(`${pod.name}: envFrom a Secret (use secretKeyRef per key)`);
      }
    }
  for (const ta of ofKind(docs, 'TriggerAuthentication'))
    for (const r of ta.spec.secretTargetRef ?? [])
      secretRef(`TriggerAuthentication ${ta.metadata.name}`, r.name, r.key);
  for (const ing of ofKind(docs, 'Ingress'))
    for (const rule of ing.spec.rules)
      for (const p of rule.http.paths) {
        const svc = ofKind(docs, 'Service').find((s) => s.metadata.name === p.backend.service.name);
        if (!svc?.spec.ports.some((sp: Doc) => sp.name === p.backend.service.port.name))
          problems.push(`Ingress ${ing.metadata.name}: ${p.path} goes to no Service port`);
      }
  return problems;
}

/** The environment a container gets: its ConfigMaps, then its env entries (Secret values resolved). */
function containerEnv(docs: Doc[], container: Doc): Record<string, string> {
  const env: Record<string, string> = {};
  for (const f of container.envFrom ?? []) {
    const cm = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === f.configMapRef?.name);
    Object.assign(env, cm?.data);
  }
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    const secret = docs.find((d) => d.kind === 'Secret' && d.metadata.name === ref?.name);
    const value = ref ? secret?.stringData?.[ref.key] : e.value;
    if (value !== undefined) env[e.name] = String(value);
  }
  return env;
}

/** Names an app reads: the `NAME:` keys of its env.ts plus the shared shapes it spreads in. */
function namesRead(app: string): Set<string> {
  const text = readFileSync(join(ROOT, 'apps', app, 'src/env.ts'), 'utf8');
  const own = [...text.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
  const shared = [
    ...Object.keys(serviceEnvShape),
    ...(text.includes('...blobStoreEnvShape') ? Object.keys(blobStoreEnvShape) : []),
  ];
  return new Set([...own, ...shared]);
}

const APPS = {
  api: { load: loadApiEnv, dir: 'api' },
  realtime: { load: loadRealtimeEnv, dir: 'realtime' },
  'gpu-worker': { load: loadWorkerEnv, dir: 'gpu-worker' },
} as const;
const appOf = (c: Doc): keyof typeof APPS => {
  const m = /apps\/([\w-]+)\/src\//.exec((c.command ?? []).join(' '));
  if (!m || !(m[1]! in APPS)) throw new Error(`container ${c.name} runs no known app`);
  return m[1] as keyof typeof APPS;
};

/** Settings a cluster must choose, per app, rather than inherit from a laptop default. */
const MUST_SET: Record<keyof typeof APPS, string[]> = {
  api: ['PUBLIC_URL', 'NODE_ENV', 'TRUST_PROXY', 'S3_BUCKET', 'METRICS_TOKEN', 'DATA_DIR'],
  realtime: ['CORS_ORIGINS', 'METRICS_TOKEN'],
  'gpu-worker': ['WORKER_QUEUES', 'WORKER_DEVICE', 'S3_BUCKET', 'METRICS_TOKEN', 'DATA_DIR', 'MODELS_DIR'],
};

describe('Kubernetes manifests (infra/k8s)', () => {
  const docs = loadManifests();

  it('every document validates against its Kubernetes or KEDA schema', () => {
    expect(docs.length).toBeGreaterThanOrEqual(15);
    expect(schemaProblems(docs)).toEqual([]);
    const kinds = new Set(docs.map((d) => d.kind));
    for (const k of [
      'Deployment',
      'Service',
      'PodDisruptionBudget',
      'HorizontalPodAutoscaler',
      'ScaledObject',
      'Job',
    ])
      expect(kinds, k).toContain(k);
  });

  it('a broken manifest is rejected by the same checks', () => {
    const deployment = structuredClone(docs.find((d) => d.kind === 'Deployment')!);
    deployment.spec.replicas = 'two';
    expect(schemaProblems([deployment])).toEqual([expect.stringMatching(/Deployment/)]);
    const noName = structuredClone(docs.find((d) => d.kind === 'ScaledObject')!);
    delete noName.spec.scaleTargetRef.name;
    expect(schemaProblems([noName])).toHaveLength(1);
    expect(schemaProblems([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }])).toHaveLength(1);

    const broken = structuredClone(docs);
    broken.find((d) => d.kind === 'Service')!.spec.selector = { 'app.kubernetes.io/name': 'nobody' };
    const secret = broken.find((d) => d.kind === 'Secret')!;
    delete secret.stringData.JWT_SECRET;
    const problems = referenceProblems(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/selector matches no Deployment/),
        expect.stringMatching(/Secret clapboard has no key JWT_SECRET/),
      ]),
    );
  });

  it('selectors, Secret keys, ConfigMaps and scale targets all point at something that exists', () => {
    expect(referenceProblems(docs)).toEqual([]);
  });

  it('each container gets a configuration its app accepts, names only variables it reads, and sets the cluster ones', () => {
    const seen = new Set<string>();
    for (const pod of podSpecs(docs))
      for (const c of pod.spec.containers) {
        const app = appOf(c);
        seen.add(app);
        const env = containerEnv(docs, c);
        expect(() => APPS[app].load(env), `${pod.name}`).not.toThrow();
        const read = namesRead(APPS[app].dir);
        // The shared ConfigMap carries settings of every app; a container's own env names only its app's.
        const own = (c.env ?? []).map((e: Doc) => e.name as string).filter((n: string) => !read.has(n));
        expect(own, `${pod.name} sets variables its app does not read`).toEqual([]);
        if (pod.name !== 'clapboard-migrate')
          expect(
            MUST_SET[app].filter((n) => !(n in env)),
            pod.name,
          ).toEqual([]);
      }
    expect([...seen].sort()).toEqual(['api', 'gpu-worker', 'realtime']);
    const readBySome = new Set(Object.values(APPS).flatMap((a) => [...namesRead(a.dir)]));
    const config = docs.find((d) => d.kind === 'ConfigMap')!.data as Record<string, string>;
    expect(Object.keys(config).filter((n) => !readBySome.has(n))).toEqual([]);
  });

  it('probes use paths and ports the services serve', () => {
    for (const pod of podSpecs(docs))
      for (const c of pod.spec.containers) {
        if (pod.name === 'clapboard-migrate') continue;
        const app = appOf(c);
        const env = APPS[app].load(containerEnv(docs, c)) as Record<string, unknown>;
        const portVar = { api: 'API_PORT', realtime: 'REALTIME_PORT', 'gpu-worker': 'WORKER_PORT' }[app];
        const sources = readdirSync(join(ROOT, 'apps', app, 'src'), { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
          .map((f) => readFileSync(join(ROOT, 'apps', app, 'src', f), 'utf8'))
          .join('\n');
        for (const probe of [c.readinessProbe, c.livenessProbe]) {
          expect(probe?.httpGet, `${pod.name} probe`).toBeDefined();
          expect(sources, `${pod.name}: ${probe.httpGet.path}`).toContain(`'${probe.httpGet.path}'`);
          const port = c.ports.find((p: Doc) => p.name === probe.httpGet.port)?.containerPort;
          expect(port, `${pod.name} probe port`).toBe(env[portVar]);
        }
      }
  });

  it('KEDA scales each worker pool on its own queue’s real BullMQ backlog keys, the GPU pool from zero', () => {
    const config = docs.find((d) => d.kind === 'ConfigMap')!.data;
    const queuePrefix = redisNames(config.REDIS_PREFIX).queuePrefix;
    const pools = ofKind(docs, 'ScaledObject');
    expect(pools).toHaveLength(2);
    for (const so of pools) {
      const deployment = docs.find(
        (d) => d.kind === 'Deployment' && d.metadata.name === so.spec.scaleTargetRef.name,
      )!;
      const container = deployment.spec.template.spec.containers[0];
      const queues = containerEnv(docs, container).WORKER_QUEUES!.split(',') as ResourceClass[];
      expect(queues).toHaveLength(1);
      const queue = QUEUE_NAMES[queues[0]!];
      const redis = so.spec.triggers.find((t: Doc) => t.type === 'redis');
      expect(redis.metadata.listName).toBe(bullBacklogKeys(queuePrefix, queue).wait);
      const prom = so.spec.triggers.find((t: Doc) => t.type === 'prometheus');
      expect(prom.metadata.query).toBe(`max(${METRIC_NAMES.queueWaiting}{queue="${queue}"})`);
      if (queues[0] === 'gpu') {
        expect(so.spec.minReplicaCount).toBe(0);
        expect(container.resources.requests['nvidia.com/gpu']).toBe(1);
        expect(container.resources.limits['nvidia.com/gpu']).toBe(1);
        expect(containerEnv(docs, container).WORKER_DEVICE).toBe('cuda');
      } else {
        expect(container.resources.limits?.['nvidia.com/gpu']).toBeUndefined();
      }
    }
    // KEDA's copy of the Redis address is the one REDIS_URL names.
    const secret = docs.find((d) => d.kind === 'Secret')!.stringData;
    const url = new URL(secret.REDIS_URL);
    expect(secret.REDIS_ADDRESS).toBe(`${url.hostname}:${url.port}`);
    expect(secret.REDIS_PASSWORD).toBe(decodeURIComponent(url.password));
  });

  it('api and realtime have an autoscaling/v2 HPA and a PodDisruptionBudget', () => {
    for (const name of ['clapboard-api', 'clapboard-realtime']) {
      const hpa = docs.find(
        (d) => d.kind === 'HorizontalPodAutoscaler' && d.spec.scaleTargetRef.name === name,
      );
      expect(hpa?.apiVersion, name).toBe('autoscaling/v2');
      expect(hpa?.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(docs.some((d) => d.kind === 'PodDisruptionBudget' && d.metadata.name === name)).toBe(true);
    }
  });

  it("a project's Yjs sockets are balanced by path (one realtime pod per project), the rest is not", () => {
    const routing = (path: string) =>
      ofKind(docs, 'Ingress').filter((ing) =>
        ing.spec.rules.some((r: Doc) => r.http.paths.some((p: Doc) => p.path === path)),
      );
    const hashBy = (ing: Doc) => ing.metadata.annotations?.['nginx.ingress.kubernetes.io/upstream-hash-by'];
    const yjs = routing('/yjs');
    expect(yjs).toHaveLength(1);
    // The path only: the query holds each client's own ticket, which would scatter a project's clients.
    expect(hashBy(yjs[0]!)).toBe('$uri');
    expect(yjs[0]!.spec.rules[0].http.paths[0].backend.service.name).toBe('clapboard-realtime');
    for (const path of ['/socket.io', '/']) expect(routing(path).map(hashBy)).toEqual([undefined]);
  });
});
