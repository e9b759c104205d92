/**
 * A real HTTP server on 127.0.0.1 for the web's unit tests: each test says what the API answers
 * (status, JSON or raw body) per `METHOD /path`, the client under test sends real requests with
 * the platform's `fetch`/XHR, and the test reads back what arrived (method, path, headers, body).
 * Not a mock of fetch: the bytes go over a socket and the client parses them as in a browser.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { setAccessToken, setApiBase } from '../lib/api-client';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  json?: unknown;
  /** Sent as is (with `contentType`), instead of `json`. */
  raw?: string;
  contentType?: string;
}

export type Handler = (req: Received) => Answer | Promise<Answer>;

export interface LocalApi {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Every request in arrival order. */
  received: Received[];
  /** Sets (or replaces) the handler of `METHOD /path` (path with its query string). */
  on(route: string, handler: Handler): void;
  close(): Promise<void>;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
};

export async function startLocalApi(): Promise<LocalApi> {
  const handlers = new Map<string, Handler>();
  const received: Received[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    // A cross-origin preflight (DOM test environments): allowed, and not recorded.
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS).end();
      return;
    }
    const r: Received = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    received.push(r);
    const handler = handlers.get(`${r.method} ${r.path}`);
    const answer: Answer = handler
      ? await handler(r)
      : { status: 404, json: { error: { code: 'not_found', message: `No route ${r.method} ${r.path}` } } };
    if (answer.status === 204) {
      res.writeHead(204, CORS).end();
      return;
    }
    const body = answer.raw ?? JSON.stringify(answer.json);
    res
      .writeHead(answer.status, {
        ...CORS,
        'content-type': answer.contentType ?? 'application/json',
        'content-length': Buffer.byteLength(body),
      })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    on: (route, handler) => void handlers.set(route, handler),
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * The local API of one test file: started before its tests and closed after them; before each test
 * its log is cleared and the client points at it with `token` as the access token (null: signed out).
 */
export function localApiForFile(token: string | null): LocalApi {
  const api = {} as LocalApi;
  beforeAll(async () => {
    Object.assign(api, await startLocalApi());
    setApiBase(api.origin);
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.received.length = 0;
    setAccessToken(token);
  });
  return api;
}
