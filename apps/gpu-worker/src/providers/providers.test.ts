import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@clapboard/server/logger';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../media/encode-wav';
import { createModelRegistry } from '../models/model-registry';
import { synthesizeSpeech } from '../speech/synthesize-speech';
import { ProviderError } from './provider-error';
import { selectProviders } from './select-providers';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-providers-'));
const seen: Array<{ path: string; auth?: string; body: string; contentType?: string }> = [];
let server: Server;
let base: string;

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A local server speaking the OpenAI and Ollama API shapes (no fetch mocking). */
beforeAll(async () => {
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
  const wav = encodeWav({
    samples: new Float32Array(8000).map((_, i) => Math.sin(i / 3) * 0.3),
    sampleRate: 16000,
  });
  server = createServer(async (req, res) => {
    const raw = await body(req);
    const text = raw.toString('latin1');
    seen.push({
      path: req.url ?? '',
      auth: req.headers.authorization,
      body: text,
      contentType: req.headers['content-type'],
    });
    const send = (status: number, payload: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload));
    };
    const json = () => JSON.parse(text) as Record<string, unknown>;
    switch (req.url) {
      case '/v1/chat/completions': {
        const { messages, model } = json() as { messages: Array<{ content: string }>; model: string };
        return send(200, {
          choices: [
            { message: { role: 'assistant', content: `${model} heard: ${messages.at(-1)!.content}` } },
          ],
        });
      }
      case '/v1/images/generations':
        return send(200, { data: [{ b64_json: png.toString('base64') }] });
      case '/v1/audio/transcriptions':
        if (!req.headers['content-type']?.startsWith('multipart/form-data'))
          return send(400, { error: 'multipart' });
        return send(200, {
          text: ' Hello there ',
          words: [
            { word: 'Hello', start: 0.1, end: 0.4 },
            { word: 'there', start: 0.45, end: 0.8 },
          ],
        });
      case '/v1/audio/speech':
        return send(200, wav, 'audio/wav');
      case '/api/chat':
        return send(200, {
          message: {
            role: 'assistant',
            content: `ollama says ${(json().messages as Array<{ content: string }>)[0]!.content}`,
          },
          done: true,
        });
      case '/broken/v1/chat/completions':
        return send(503, { error: 'overloaded' });
      default:
        return send(404, { error: 'not found' });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const env = (over: Record<string, unknown> = {}) => ({
  OPENAI_CHAT_MODEL: 'chat-m',
  OPENAI_IMAGE_MODEL: 'img-m',
  OPENAI_TRANSCRIBE_MODEL: 'asr-m',
  OPENAI_SPEECH_MODEL: 'tts-m',
  OLLAMA_CHAT_MODEL: 'llama-m',
  PROVIDER_TIMEOUT_MS: 5000,
  ...over,
});

describe('provider selection', () => {
  it('is local-only by default: no chat, no images, bundled speech', () => {
    const p = selectProviders(env());
    expect(p.chat).toBeUndefined();
    expect(p.images).toBeUndefined();
    expect(p.transcriber.source).toMatch(/pocketsphinx/);
    expect(p.synthesizer.source).toMatch(/festival/);
    expect(p.music).toBeUndefined();
  });

  it('MUSIC_PROVIDER_URL adds a music generator, reported as remote under its endpoint', () => {
    const registry = createModelRegistry({
      device: { requested: 'cpu', provider: 'cpu', reason: null },
      log: createLogger('p', { level: 'silent' }),
    });
    const p = selectProviders(
      env({ MUSIC_PROVIDER_URL: `${base}/music`, MUSIC_PROVIDER_API_KEY: 'k' }),
      registry,
    );
    expect(p.music!.source).toBe(`music provider ${base}/music`);
    expect(registry.report().filter((m) => m.provider === 'remote')).toMatchObject([
      { name: 'provider-music', task: 'text-to-music', version: `music provider ${base}/music` },
    ]);
  });

  it('the bundled synthesizer writes audio of plausible length through the same interface', async () => {
    const out = join(dir, 'local.wav');
    const { durationSec } = await selectProviders(env()).synthesizer.synthesize('Good morning', out);
    expect(durationSec).toBeGreaterThan(0.5);
    expect(durationSec).toBeLessThan(2.5);
  });
});

describe('OpenAI-compatible adapters (local HTTP server)', () => {
  it('chat, images, transcription and speech speak the API shapes', async () => {
    const registry = createModelRegistry({
      device: { requested: 'cpu', provider: 'cpu', reason: null },
      log: createLogger('p', { level: 'silent' }),
    });
    const p = selectProviders(env({ OPENAI_BASE_URL: `${base}/v1`, OPENAI_API_KEY: 'sk-test' }), registry);
    expect(await p.chat!.complete([{ role: 'user', content: 'a pitch' }])).toBe('chat-m heard: a pitch');
    expect(seen.at(-1)).toMatchObject({ path: '/v1/chat/completions', auth: 'Bearer sk-test' });

    const png = await p.images!.generate('a red barn', { width: 64, height: 48 });
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 64, height: 48 });
    expect(JSON.parse(seen.at(-1)!.body)).toMatchObject({
      model: 'img-m',
      prompt: 'a red barn',
      size: '64x48',
      response_format: 'b64_json',
    });

    const speech = join(dir, 'in.wav');
    await synthesizeSpeech('Hello there', speech, { voice: 'flite-slt' });
    const t = await p.transcriber.transcribe(speech);
    expect(t).toEqual({
      text: 'Hello there',
      words: [
        { word: 'Hello', startSec: 0.1, endSec: 0.4, confidence: 1 },
        { word: 'there', startSec: 0.45, endSec: 0.8, confidence: 1 },
      ],
    });
    expect(seen.at(-1)!.body).toContain('name="model"\r\n\r\nasr-m');
    expect(seen.at(-1)!.body).toContain('filename="in.wav"');

    const out = join(dir, 'remote.wav');
    expect((await p.synthesizer.synthesize('Hi', out, { voice: 'nova' })).durationSec).toBeCloseTo(0.5, 2);
    expect(JSON.parse(seen.at(-1)!.body)).toMatchObject({ model: 'tts-m', input: 'Hi', voice: 'nova' });

    expect(
      registry
        .report()
        .filter((m) => m.provider === 'remote')
        .map((m) => m.name),
    ).toEqual(['provider-chat', 'provider-images', 'provider-synthesizer', 'provider-transcriber']);
  });

  it('maps failures: 5xx is retryable server_error, a closed port is unreachable', async () => {
    const broken = selectProviders(env({ OPENAI_BASE_URL: `${base}/broken/v1` }));
    const err = await broken.chat!.complete([{ role: 'user', content: 'x' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'server_error', retryable: true, details: { status: 503 } });
    const missing = selectProviders(env({ OPENAI_BASE_URL: `${base}/nothing/v1` }));
    await expect(missing.images!.generate('x')).rejects.toMatchObject({ code: 'rejected', retryable: false });
    const closed = selectProviders(env({ OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' }));
    await expect(closed.chat!.complete([{ role: 'user', content: 'x' }])).rejects.toMatchObject({
      code: 'unreachable',
    });
  });
});

describe('Ollama adapter (local HTTP server)', () => {
  it('chats through /api/chat and wins over OpenAI for chat when both are set', async () => {
    const p = selectProviders(env({ OLLAMA_BASE_URL: base, OPENAI_BASE_URL: `${base}/v1` }));
    expect(p.chat!.source).toMatch(/^ollama/);
    expect(await p.chat!.complete([{ role: 'user', content: 'hello' }])).toBe('ollama says hello');
    expect(JSON.parse(seen.at(-1)!.body)).toMatchObject({ model: 'llama-m', stream: false });
  });
});
