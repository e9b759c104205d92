import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a provider server received. */
export interface Seen {
  path: string;
  body: Record<string, unknown>;
  auth?: string;
}

/** What the server answers next: an assistant message's text, or a status with a JSON body. */
export type ScriptedAnswer = string | { status: number; body: unknown };

/**
 * A small server speaking a chat provider's documented protocol: OpenAI chat completions
 * (`POST /v1/chat/completions`) or Ollama (`POST /api/chat`). It answers from a script, one entry
 * per request in order (`answer(...)`), records every request (`seen`), and answers 404 to anything
 * else or past the script's end. Listens on 127.0.0.1, port 0.
 */
export function providerServer(kind: 'openai' | 'ollama') {
  const seen: Seen[] = [];
  let script: ScriptedAnswer[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    seen.push({ path: req.url ?? '', body, auth: req.headers.authorization });
    const expected = kind === 'openai' ? '/v1/chat/completions' : '/api/chat';
    const next = script.shift();
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.url !== expected || req.method !== 'POST' || next === undefined)
      return send(404, { error: { message: `unexpected ${req.method} ${req.url}` } });
    if (typeof next !== 'string') return send(next.status, next.body);
    if (kind === 'openai')
      return send(200, {
        id: 'chatcmpl-test',
        object: 'chat.completion',
        model: body.model,
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: next } }],
      });
    return send(200, { model: body.model, message: { role: 'assistant', content: next }, done: true });
  });
  return {
    seen,
    answer(...answers: typeof script) {
      script = [...answers];
      seen.length = 0;
    },
    async start(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

/**
 * Worker environment for `selectProviders` in tests: model names for every task, a 5 s provider
 * timeout, plus `over` (e.g. `OPENAI_BASE_URL` pointing at a `providerServer`).
 */
export const providerEnv = (over: Record<string, unknown>) => ({
  OPENAI_CHAT_MODEL: 'draft-model',
  OPENAI_IMAGE_MODEL: 'img',
  OPENAI_TRANSCRIBE_MODEL: 'asr',
  OPENAI_SPEECH_MODEL: 'tts',
  OLLAMA_CHAT_MODEL: 'llama-test',
  PROVIDER_TIMEOUT_MS: 5_000,
  ...over,
});
