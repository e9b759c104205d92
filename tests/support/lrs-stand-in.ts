import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An xAPI statement as the stand-in stored it. */
export interface StoredStatement {
  id: string;
  actor: { mbox?: string; account?: unknown; objectType?: string; name?: string };
  verb: { id: string };
  object: { id: string };
  result?: { completion?: boolean; success?: boolean; score?: { scaled?: number }; duration?: string };
  context?: {
    registration?: string;
    contextActivities?: { category?: Array<{ id: string }> };
    extensions?: Record<string, unknown>;
  };
  timestamp?: string;
}

export interface LrsStandIn {
  /** `http://127.0.0.1:<port>` (a different origin than the package, as in a real LMS). */
  url: string;
  /** The xAPI endpoint to launch with (`<url>/xapi/`). */
  endpoint: string;
  statements: StoredStatement[];
  /** State documents by `stateId|activityId|registration`. */
  state: Map<string, unknown>;
  /**
   * Prepares one launch as a cmi5 LMS does: a session id, `LMS.LaunchData` in the state API and a
   * one-time fetch URL; returns the AU's launch query.
   */
  prepareLaunch(input: {
    activityId: string;
    actor: Record<string, unknown>;
    registration: string;
    moveOn: string;
    masteryScore?: number;
    launchMode?: 'Normal' | 'Browse' | 'Review';
  }): { query: string; sessionId: string };
  close(): Promise<void>;
}

const XAPI_HEADERS = 'Authorization, Content-Type, X-Experience-API-Version';

/**
 * A small local LRS and cmi5 LMS stand-in for browser tests: it speaks the parts of xAPI 1.0.3 the
 * cmi5 AU uses (POST /xapi/statements, GET/PUT/POST /xapi/activities/state) and the cmi5 fetch
 * URL (POST, once per launch, returns `{ "auth-token" }`). Every xAPI call must carry the token as
 * `Authorization: Basic …` and `X-Experience-API-Version`; CORS is answered as an LRS on another
 * origin must.
 */
export async function startLrsStandIn(): Promise<LrsStandIn> {
  const statements: StoredStatement[] = [];
  const state = new Map<string, unknown>();
  /** fetch id → token (null once used). */
  const fetches = new Map<string, string | null>();
  const tokens = new Set<string>();

  const body = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (c) => {
        text += c;
      });
      req.on('end', () => resolve(text));
    });

  const send = (res: ServerResponse, status: number, json?: unknown) => {
    res.writeHead(status, json === undefined ? {} : { 'content-type': 'application/json' });
    res.end(json === undefined ? undefined : JSON.stringify(json));
  };

  const server = createServer(async (req, res) => {
    const origin = req.headers.origin;
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-headers', XAPI_HEADERS);
      res.setHeader('access-control-allow-methods', 'GET, PUT, POST, OPTIONS');
    }
    if (req.method === 'OPTIONS') return send(res, 204);
    const url = new URL(req.url ?? '/', 'http://x');
    const fetchId = /^\/fetch\/([\w-]+)$/.exec(url.pathname)?.[1];
    if (fetchId && req.method === 'POST') {
      const token = fetches.get(fetchId);
      if (!token) return send(res, 200, { 'error-code': '1', 'error-text': 'Already used or unknown.' });
      fetches.set(fetchId, null);
      return send(res, 200, { 'auth-token': token });
    }
    if (!url.pathname.startsWith('/xapi/')) return send(res, 404);
    const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!auth || !tokens.has(auth)) return send(res, 401, { error: 'bad auth' });
    if (!req.headers['x-experience-api-version']) return send(res, 400, { error: 'no version header' });
    if (url.pathname === '/xapi/statements' && (req.method === 'POST' || req.method === 'PUT')) {
      const parsed = JSON.parse(await body(req)) as StoredStatement | StoredStatement[];
      const list = Array.isArray(parsed) ? parsed : [parsed];
      for (const s of list) statements.push({ ...s, id: s.id ?? randomUUID() });
      return send(
        res,
        200,
        list.map((s) => s.id),
      );
    }
    if (url.pathname === '/xapi/activities/state') {
      const q = url.searchParams;
      const key = `${q.get('stateId')}|${q.get('activityId')}|${q.get('registration')}`;
      if (req.method === 'GET') return state.has(key) ? send(res, 200, state.get(key)) : send(res, 404);
      if (req.method === 'PUT' || req.method === 'POST') {
        state.set(key, JSON.parse(await body(req)));
        return send(res, 204);
      }
    }
    return send(res, 404);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    endpoint: `${url}/xapi/`,
    statements,
    state,
    prepareLaunch(input) {
      const sessionId = randomUUID();
      const token = Buffer.from(`${randomUUID()}:${randomUUID()}`).toString('base64');
      tokens.add(token);
      const fetchId = randomUUID();
      fetches.set(fetchId, token);
      state.set(`LMS.LaunchData|${input.activityId}|${input.registration}`, {
        contextTemplate: {
          extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': sessionId },
        },
        launchMode: input.launchMode ?? 'Normal',
        moveOn: input.moveOn,
        ...(input.masteryScore === undefined ? {} : { masteryScore: input.masteryScore }),
      });
      const query = new URLSearchParams({
        endpoint: `${url}/xapi/`,
        fetch: `${url}/fetch/${fetchId}`,
        registration: input.registration,
        activityId: input.activityId,
        actor: JSON.stringify(input.actor),
      }).toString();
      return { query, sessionId };
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
