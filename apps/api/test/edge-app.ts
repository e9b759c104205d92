import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { closeServer, listen } from '@clapboard/server/http';
import { startJobDispatcher } from '@clapboard/server/jobs';
import { createLogger } from '@clapboard/server/logger';
import { getRequestListener } from '@hono/node-server';
import { type App, type AppDeps, createApp } from '../src/app';
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
    ...windowOf(v.windowSec, 'loginRateLimit.windowSec'),
  }),
  registerRateLimit: (v) => ({
    ...(v.perIp !== undefined && { REGISTER_RATE_PER_IP: String(v.perIp) }),
    ...(v.perEmail !== undefined && { REGISTER_RATE_PER_EMAIL: String(v.perEmail) }),
  }),
  uploadLimits: (v) => ({
    ...Object.fromEntries(
      Object.entries(v.maxBytes ?? {}).map(([kind, bytes]) => [
        `UPLOAD_MAX_${kind.toUpperCase()}_MB`,
        String((bytes as number) / 1024 / 1024),
      ]),
    ),
    ...(v.maxImagePixels !== undefined && { UPLOAD_MAX_IMAGE_PIXELS: String(v.maxImagePixels) }),
  }),
  resumableLimits: (v) => ({
    // RESUMABLE_UPLOADS_PER_USER allows at most 100 (tests that ask for more mean "no limit here").
    ...(v.maxOpenPerUser !== undefined && {
      RESUMABLE_UPLOADS_PER_USER: String(Math.min(v.maxOpenPerUser, 100)),
    }),
    ...(v.expirySec !== undefined && { RESUMABLE_UPLOAD_EXPIRY_SEC: String(v.expirySec) }),
    ...(v.maxBytes !== undefined && { RESUMABLE_UPLOAD_MAX_MB: String(v.maxBytes / 1024 / 1024) }),
  }),
  jobSubmitRate: (v) => ({
    ...(v.perMember !== undefined && { JOB_SUBMIT_RATE_PER_MEMBER: String(v.perMember) }),
    ...windowOf(v.windowSec, 'jobSubmitRate.windowSec'),
  }),
  briefDraftRate: (v) => ({
    ...(v.perMember !== undefined && { BRIEF_DRAFT_RATE_PER_MEMBER: String(v.perMember) }),
    ...(v.windowSec !== undefined && v.windowSec !== 3600 ? unsupported('briefDraftRate.windowSec') : {}),
  }),
  redisPrefix: () => ({}),
};

/** The edge keeps the default one-minute windows; a test asking for another runs on Node only. */
function windowOf(windowSec: number | undefined, what: string): Record<string, string> {
  if (windowSec !== undefined && windowSec !== 60) unsupported(what);
  return {};
}

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

/** One request with headers exactly as given (node:http), answered as a web Response. */
async function rawRequest(url: string, method: string, headers: Headers, body: unknown): Promise<Response> {
  const bytes =
    body === undefined || body === null
      ? new Uint8Array()
      : new Uint8Array(await new Response(body as ConstructorParameters<typeof Response>[0]).arrayBuffer());
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: Object.fromEntries(headers) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers))
          if (value !== undefined) out.set(name, Array.isArray(value) ? value.join(', ') : value);
        resolve(
          new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), {
            status: res.statusCode,
            headers: out,
          }),
        );
      });
      res.on('error', reject);
    });
    // The server may answer before the (lying) body is complete; that answer is what counts.
    req.on('error', reject);
    req.end(bytes);
  });
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
  /** The Node side's deps: its API serves the media probe the edge asks (as in a deployment). */
  nodeDeps: AppDeps;
  /** Origin of the S3 server: the API's redirects there (presigned downloads) are followed. */
  storageOrigin: string;
}): Promise<{ app: App; dispatched(): Promise<void>; close(): Promise<void> }> {
  await ensureBundle();
  const probeToken = `probe-${randomBytes(24).toString('hex')}`;
  const nodeApi = createServer(
    getRequestListener(createApp({ ...options.nodeDeps, probeServiceToken: probeToken }).fetch),
  );
  const nodeApiPort = await listen(nodeApi, 0, '127.0.0.1', 'probe service');
  const bindings = {
    ...options.bindings,
    ...overridesAsBindings(options.overrides),
    MEDIA_PROBE_URL: `http://127.0.0.1:${nodeApiPort}`,
    MEDIA_PROBE_TOKEN: probeToken,
  };
  const workerd = await startWorkerd({ bindings });
  // The Node side's dispatcher, as in a deployment; no grace, since no API adds flows itself here.
  const dispatcher = await startJobDispatcher({
    sql: options.nodeDeps.sql,
    queues: options.nodeDeps.queues,
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
    // fetch refuses a Content-Length that is not the body's; tests that send a lying one (the
    // API must refuse it up front) go through node:http, which sends headers as given.
    if (headers.has('content-length')) return rawRequest(toUrl(input), init.method ?? 'GET', headers, body);
    const res = await fetch(toUrl(input), {
      method: init.method ?? base?.method,
      headers,
      body,
      redirect: 'manual',
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
    // On the edge, asset bytes come from storage: the API redirects to a presigned URL, which a
    // browser follows. The harness follows those (and only those), so a test reads the bytes
    // through the presigned URL as a user would; any other redirect is returned as it is.
    const location = res.headers.get('location');
    if (
      res.status >= 300 &&
      res.status < 400 &&
      location &&
      new URL(location).origin === options.storageOrigin
    ) {
      await res.body?.cancel();
      const follow = new Headers();
      const range = headers.get('range');
      if (range) follow.set('range', range);
      return fetch(location, { method: init.method === 'HEAD' ? 'HEAD' : 'GET', headers: follow });
    }
    return res;
  };
  const app = {
    request,
    fetch: (req: Request) => request(req),
  } as unknown as App;
  return {
    app,
    dispatched: () => dispatcher.drain(),
    async close() {
      // EDGE_DEBUG=1 shows what workerd printed (the worker's logs and uncaught errors).
      if (process.env.EDGE_DEBUG) console.log(workerd.output());
      await dispatcher.close();
      await workerd.close();
      await closeServer(nodeApi);
    },
  };
}
