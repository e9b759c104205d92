import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@clapboard/server/logger';
import { ffprobe } from '@clapboard/server/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelRegistry } from '../models/model-registry';
import { defaultRenderDeps } from '../pipelines/render/default-render-deps';
import { CircuitBreaker } from './circuit-breaker';
import { ProviderError } from './provider-error';
import { selectProviders } from './select-providers';

describe('CircuitBreaker', () => {
  let now = 0;
  const fault = () => Promise.reject(new ProviderError('server_error', 'answered 503', { status: 503 }));
  const breaker = (failures = 3) =>
    new CircuitBreaker('test provider', { failures, openMs: 1_000, now: () => now });

  it('opens after the configured faults in a row and then refuses at once without calling', async () => {
    now = 0;
    const b = breaker();
    let calls = 0;
    const call = () => {
      calls++;
      return fault();
    };
    for (let i = 0; i < 3; i++) await expect(b.run(call)).rejects.toMatchObject({ code: 'server_error' });
    expect(b.state).toBe('open');
    await expect(b.run(call)).rejects.toMatchObject({ code: 'circuit_open', retryable: true });
    expect(calls).toBe(3);
    expect(b.status()).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining('answered 503'),
    });
  });

  it('lets one trial through after the open period: failure reopens, success closes', async () => {
    now = 0;
    const b = breaker();
    for (let i = 0; i < 3; i++) await b.run(fault).catch(() => {});
    now = 1_000;
    expect(b.state).toBe('half-open');
    await expect(b.run(fault)).rejects.toMatchObject({ code: 'server_error' });
    expect(b.state).toBe('open'); // one failed trial is enough
    now = 2_000;
    await expect(b.run(async () => 'ok')).resolves.toBe('ok');
    expect(b.state).toBe('closed');
    expect(b.status()).toEqual({ status: 'ready', reason: null });
  });

  it('counts only the provider’s faults in a row: a success resets, 4xx and cancels do not count', async () => {
    now = 0;
    const b = breaker();
    await b.run(fault).catch(() => {});
    await b.run(fault).catch(() => {});
    await b.run(async () => 1);
    await b.run(fault).catch(() => {});
    await b.run(fault).catch(() => {});
    expect(b.state).toBe('closed');
    const refused = () => Promise.reject(new ProviderError('rejected', 'answered 400', { status: 400 }));
    const aborted = () =>
      Promise.reject(
        new ProviderError('unreachable', 'aborted', {}, { cause: new DOMException('x', 'AbortError') }),
      );
    await b.run(refused).catch(() => {});
    await b.run(aborted).catch(() => {});
    await b.run(() => Promise.reject(new Error('a bug of ours'))).catch(() => {});
    expect(b.state).toBe('closed');
    await b.run(fault).catch(() => {});
    expect(b.state).toBe('open');
  });
});

describe('a speech provider that hangs (local HTTP server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-breaker-'));
  const hanging: ServerResponse[] = [];
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    hanging.push(res); // never answers: every call waits for PROVIDER_TIMEOUT_MS
  });
  let base: string;
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('after 5 timeouts its circuit opens: the next line is spoken by a bundled voice at once, the provider is not asked, and the report says why', async () => {
    const registry = createModelRegistry({
      device: { requested: 'cpu', provider: 'cpu', reason: null },
      log: createLogger('breaker-test', { level: 'silent' }),
    });
    const providers = selectProviders(
      {
        OPENAI_BASE_URL: `${base}/v1`,
        OPENAI_CHAT_MODEL: 'chat-m',
        OPENAI_IMAGE_MODEL: 'img-m',
        OPENAI_TRANSCRIBE_MODEL: 'asr-m',
        OPENAI_SPEECH_MODEL: 'tts-m',
        OLLAMA_CHAT_MODEL: 'llama-m',
        PROVIDER_TIMEOUT_MS: 1_000,
        PROVIDER_BREAKER_FAILURES: 5,
        PROVIDER_BREAKER_OPEN_SEC: 60,
      },
      registry,
    );
    const { models } = defaultRenderDeps({ speech: providers.synthesizer });
    const speak = async (i: number) => {
      const out = join(dir, `line-${i}.wav`);
      const t0 = performance.now();
      const said = await models.speak(
        'The harbour is quiet tonight.',
        'provider:nova',
        out,
        new AbortController().signal,
      );
      return { ms: performance.now() - t0, warning: said?.warning ?? '', out };
    };
    const waited: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { ms, warning } = await speak(i);
      waited.push(ms);
      expect(ms).toBeGreaterThanOrEqual(950); // waited for the timeout, then a bundled voice spoke
      expect(warning).toMatch(/could not speak with nova/);
    }
    expect(requests).toBe(5);
    expect(providers.breakers.synthesizer!.state).toBe('open');

    const { ms, warning, out } = await speak(5);
    expect(requests).toBe(5); // not asked again
    expect(warning).toMatch(/paused after 5 failures in a row/);
    // Only the bundled voice's own time: faster than any call that waited for the 1 s timeout.
    expect(ms).toBeLessThan(Math.min(...waited));
    const probe = await ffprobe(out);
    expect(probe.durationSec).toBeGreaterThan(1);

    const entry = registry.report().find((m) => m.name === 'provider-synthesizer');
    expect(entry).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining('Paused after 5 failures'),
    });
  });
});
