import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { briefSchema } from './brief-schema';
import { createOpenAiCompatibleProvider } from './create-openai-compatible-provider';
import { extractFountain } from './extract-fountain';
import { ScriptGenerationError } from './script-generation-error';
import { createScriptGenerator, SCRIPT_SYSTEM_PROMPT } from './script-generator';

/** A real HTTP server speaking the OpenAI chat completions shape; the reply depends on the model name. */
let server: Server;
let baseUrl: string;
const seen: { url: string; auth: string | undefined; body: Record<string, unknown> }[] = [];

const SCRIPT = 'EXT. BEACH - DAY\n\nWaves.\n\nMAYA\nTry it.\n';
const REPLIES: Record<string, (res: import('node:http').ServerResponse) => void> = {
  fenced: (res) => json(res, 200, chat(`Sure! Here it is:\n\n\`\`\`fountain\n${SCRIPT}\`\`\`\nEnjoy.`)),
  plain: (res) => json(res, 200, chat(`Here you go.\n\n${SCRIPT}`)),
  'no-scenes': (res) => json(res, 200, chat('I cannot write that, sorry.')),
  empty: (res) => json(res, 200, chat('```\n```')),
  'bad-shape': (res) => json(res, 200, { result: 'nope' }),
  'not-json': (res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>proxy</html>');
  },
  overloaded: (res) => json(res, 503, { error: { message: 'overloaded' } }),
};

function chat(content: string) {
  return {
    id: 'x',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content } }],
  };
}
function json(res: import('node:http').ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
async function readBody(req: IncomingMessage): Promise<string> {
  let data = '';
  for await (const chunk of req) data += chunk;
  return data;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    seen.push({ url: req.url ?? '', auth: req.headers.authorization, body });
    const reply = REPLIES[String(body.model)];
    if (!reply || req.method !== 'POST' || req.url !== '/v1/chat/completions') return json(res, 404, {});
    reply(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
});

const generator = (model: string, apiKey?: string) =>
  createScriptGenerator({
    provider: createOpenAiCompatibleProvider({ baseUrl: `${baseUrl}/`, model, apiKey }),
  });

async function failure(p: Promise<unknown>): Promise<ScriptGenerationError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ScriptGenerationError) return e;
    throw e;
  }
  throw new Error('expected a ScriptGenerationError');
}

describe('createScriptGenerator over createOpenAiCompatibleProvider', () => {
  it('sends the chat request and returns the Fountain from a fenced reply', async () => {
    const result = await generator('fenced', 'sk-test').generate({
      brief: {
        product: 'SunSip lemonade',
        audience: 'teens',
        tone: 'playful',
        lengthSec: 30,
        aspect: '9:16',
      },
    });
    expect(result.fountain).toBe(SCRIPT);
    expect(result.scenes.map((s) => s.heading)).toEqual(['EXT. BEACH - DAY']);
    const request = seen.at(-1)!;
    expect(request.url).toBe('/v1/chat/completions');
    expect(request.auth).toBe('Bearer sk-test');
    expect(request.body.model).toBe('fenced');
    const messages = request.body.messages as { role: string; content: string }[];
    expect(messages[0]).toEqual({ role: 'system', content: SCRIPT_SYSTEM_PROMPT });
    expect(messages[1]!.content).toContain('Product: SunSip lemonade');
    expect(messages[1]!.content).toContain('Aspect ratio: 9:16');
  });

  it('accepts an unfenced reply and a plain prompt, without an API key', async () => {
    const result = await generator('plain').generate({ prompt: 'A lemonade ad on a beach' });
    expect(result.scenes).toHaveLength(1);
    expect(seen.at(-1)!.auth).toBeUndefined();
  });

  it('fails with typed errors on garbage, provider errors and unreachable servers', async () => {
    expect((await failure(generator('no-scenes').generate({ prompt: 'x' }))).code).toBe('no_scenes');
    expect((await failure(generator('empty').generate({ prompt: 'x' }))).code).toBe('no_fountain');
    expect((await failure(generator('bad-shape').generate({ prompt: 'x' }))).code).toBe('bad_response');
    expect((await failure(generator('not-json').generate({ prompt: 'x' }))).code).toBe('bad_response');
    const overloaded = await failure(generator('overloaded').generate({ prompt: 'x' }));
    expect(overloaded).toMatchObject({ code: 'provider_error', details: { status: 503 } });
    const dead = createScriptGenerator({
      provider: createOpenAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:1/v1', model: 'x' }),
    });
    expect((await failure(dead.generate({ prompt: 'x' }))).code).toBe('provider_unreachable');
  });

  it('rejects invalid input before calling the provider', async () => {
    const before = seen.length;
    expect((await failure(generator('plain').generate({ prompt: '  ' }))).code).toBe('invalid_input');
    const bad = { product: 'x', audience: 'y', tone: 'z', lengthSec: 1, aspect: '3:2' } as never;
    expect((await failure(generator('plain').generate({ brief: bad }))).code).toBe('invalid_input');
    expect(seen.length).toBe(before);
  });
});

describe('briefSchema', () => {
  it('accepts a valid brief, trims it, and lists every issue of a bad one', () => {
    expect(
      briefSchema.parse({
        product: ' Tea ',
        audience: 'all',
        tone: 'calm',
        lengthSec: 15,
        aspect: '1:1',
        notes: 'n',
      }),
    ).toEqual({ product: 'Tea', audience: 'all', tone: 'calm', lengthSec: 15, aspect: '1:1', notes: 'n' });
    const bad = briefSchema.safeParse({ product: '', tone: 3, lengthSec: 9999, aspect: '3:2', extra: 1 });
    expect(bad.success).toBe(false);
    expect(bad.success ? [] : bad.issues.map((i) => i.path)).toEqual([
      'product',
      'audience',
      'tone',
      'lengthSec',
      'aspect',
      'extra',
    ]);
    expect(() => briefSchema.parse(null)).toThrow(/invalid brief/);
  });
});

describe('extractFountain', () => {
  it('strips fences and chatter', () => {
    expect(extractFountain('Here:\n```fountain\r\nINT. A - DAY\r\n```')).toBe('INT. A - DAY');
    expect(extractFountain('Sure, here is your script.\n\nFADE IN:\n\nINT. A - DAY\n')).toBe(
      'FADE IN:\n\nINT. A - DAY',
    );
  });
});
