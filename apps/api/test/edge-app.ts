import { existsSync } from 'node:fs';
import type { Sql } from '@clapboard/server/db';
import { type JobQueues, startJobDispatcher } from '@clapboard/server/jobs';
import { createLogger } from '@clapboard/server/logger';
import type { App, AppDeps } from '../src/app';
import { buildEdge, EDGE_BUNDLE } from '../src/edge/build-edge';
import { startWorkerd } from '../src/edge/workerd';

/**
 * How a harness override reaches the edge app: as the environment variable the edge entry reads
 * (the same names as on Node, see src/env.ts). Overrides that are objects or functions cannot
 * cross into workerd; a test that needs one runs on Node only.
 */
const TO_BINDINGS: { [K in keyof AppDeps]?: (value: NonNullable<AppDeps[K]>) => Record<string, string> } = {
  loginRateLimit: (v) => ({
    ...(v.perIp !== undefined && { LOGIN_RATE_PER_IP: String(v.perIp) }),
    ...(v.perIpAccount !== undefined && { LOGIN_FAILURES_BEFORE_BACKOFF: String(v.perIpAccount) }),
    ...(v.accountCeiling !== undefined && { LOGIN_ACCOUNT_FAILURE_CEILING: String(v.accountCeiling) }),
    ...(v.windowSec !== undefined && v.windowSec !== 60 && unsupported('loginRateLimit.windowSec')),
  }),
  registerRateLimit: (v) => ({
    ...(v.perIp !== undefined && { REGISTER_RATE_PER_IP: String(v.perIp) }),
    ...(v.perEmail !== undefined && { REGISTER_RATE_PER_EMAIL: String(v.perEmail) }),
  }),
  resumableLimits: (v) => ({
    ...(v.maxOpenPerUser !== undefined && { RESUMABLE_UPLOADS_PER_USER: String(v.maxOpenPerUser) }),
    ...(v.expirySec !== undefined && { RESUMABLE_UPLOAD_EXPIRY_SEC: String(v.expirySec) }),
    ...(v.maxBytes !== undefined && { RESUMABLE_UPLOAD_MAX_MB: String(v.maxBytes / 1024 / 1024) }),
  }),
  jobSubmitRate: (v) => ({
    ...(v.perMember !== undefined && { JOB_SUBMIT_RATE_PER_MEMBER: String(v.perMember) }),
    ...(v.windowSec !== undefined && v.windowSec !== 60 && unsupported('jobSubmitRate.windowSec')),
  }),
  redisPrefix: () => ({}),
};

function unsupported(what: string): never {
  throw new Error(`The edge harness cannot pass ${what} to workerd; run this test on Node only.`);
}

export function overridesAsBindings(overrides: Partial<AppDeps>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const convert = TO_BINDINGS[key as keyof AppDeps] as ((v: unknown) => Record<string, string>) | undefined;
    if (!convert) unsupported(`the override \`${key}\``);
    Object.assign(out, convert(value));
  }
  return out;
}

/** The bundle, built once per test process when the global setup did not (a lone file run). */
let bundle: Promise<unknown> | undefined;
function ensureBundle() {
  bundle ??= existsSync(EDGE_BUNDLE) && process.env.EDGE_BUNDLE_FRESH ? Promise.resolve() : buildEdge();
  return bundle;
}

/**
 * The edge app in a workerd process, with an `App`-shaped handle whose `request()` sends real HTTP
 * (no redirects followed, as `app.request` does not), and an outbox dispatcher beside it.
 */
export async function startEdgeApp(options: {
  overrides: Partial<AppDeps>;
  bindings: Record<string, string>;
  sql: Sql;
  queues: JobQueues;
}): Promise<{ app: App; dispatched(): Promise<void>; close(): Promise<void> }> {
  await ensureBundle();
  const bindings = { ...options.bindings, ...overridesAsBindings(options.overrides) };
  const workerd = await startWorkerd({ bindings });
  // The Node side's dispatcher, as in a deployment; no grace, since no API adds flows itself here.
  const dispatcher = await startJobDispatcher({
    sql: options.sql,
    queues: options.queues,
    log: createLogger('edge-dispatcher', { level: 'silent' }),
    graceMs: 0,
    everyMs: 1_000,
  });
  const toUrl = (input: string | URL | Request) => {
    const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(raw, 'http://localhost');
    return `${workerd.url}${url.pathname}${url.search}`;
  };
  const request = async (
    input: string | URL | Request,
    init: RequestInit = {},
    env?: { ip?: string },
  ): Promise<Response> => {
    const base = input instanceof Request ? input : undefined;
    const headers = new Headers(init.headers ?? base?.headers);
    if (env?.ip) headers.set('cf-connecting-ip', env.ip);
    const body = init.body ?? (base?.body ? await base.arrayBuffer() : undefined);
    return fetch(toUrl(input), {
      method: init.method ?? base?.method,
      headers,
      body,
      redirect: 'manual',
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
  };
  const app = {
    request,
    fetch: (req: Request) => request(req),
  } as unknown as App;
  return {
    app,
    dispatched: () => dispatcher.drain(),
    async close() {
      await dispatcher.close();
      await workerd.close();
    },
  };
}
