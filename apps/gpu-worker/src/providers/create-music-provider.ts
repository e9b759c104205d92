import { readBounded } from '@clapboard/server/read-bounded';
import { sniffAudio } from '../media/sniff-audio';
import { ProviderError } from './provider-error';
import { requestProvider } from './request-provider';
import type { MusicGenerator } from './task-interfaces';

/** Largest answer taken from a music provider (bytes): about 5 minutes of 16-bit stereo WAV at 44.1 kHz. */
export const MAX_MUSIC_BYTES = 50 * 1024 * 1024;

export interface MusicProviderOptions {
  /** Endpoint that takes `POST {prompt, durationSec, seed}` (JSON) and answers with audio bytes. */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  /** Limit for the whole exchange, answer body included (ms). */
  timeoutMs: number;
  /** Default MAX_MUSIC_BYTES. */
  maxBytes?: number;
}

/** Reads a response body, refusing it as soon as it passes `maxBytes`. */
async function readMusicBody(response: Response, maxBytes: number, where: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const tooBig = (n: number) =>
    new ProviderError('bad_response', `${where} sent ${n} bytes of music; the most we take is ${maxBytes}.`, {
      status: response.status,
    });
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooBig(declared);
  }
  if (!response.body) return Buffer.alloc(0);
  return Buffer.from(await readBounded(response.body, maxBytes, tooBig));
}

/**
 * A music generator behind one HTTP endpoint (self-hosted MusicGen/Stable Audio servers and the
 * like): POSTs the request as JSON and takes the answer's bytes as the track when they are WAV,
 * MP3, FLAC or Ogg by their magic bytes and at most `maxBytes`. The timeout covers the body too,
 * and aborting `signal` drops the connection.
 *
 * @throws ProviderError `unreachable` (network, timeout), `server_error` (5xx), `rejected` (4xx) or
 *   `bad_response` (not audio, too big)
 */
export function createMusicProvider(o: MusicProviderOptions): MusicGenerator {
  const endpoint = new URL(o.url);
  // Never credentials or query strings (keys) in messages, reports or cache keys.
  const where = `${endpoint.origin}${endpoint.pathname}`;
  const maxBytes = o.maxBytes ?? MAX_MUSIC_BYTES;
  return {
    source: `music provider ${where}`,
    async generate(request, options = {}) {
      const response = await requestProvider(o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'audio/wav, audio/mpeg, audio/flac, audio/ogg',
          ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}),
        },
        body: JSON.stringify(request),
        timeoutMs: o.timeoutMs,
        signal: options.signal,
      });
      let bytes: Buffer;
      try {
        bytes = await readMusicBody(response, maxBytes, where);
      } catch (err) {
        if (err instanceof ProviderError || options.signal?.aborted) throw err;
        throw new ProviderError(
          'unreachable',
          `${where} stopped while sending the music (${(err as Error).message}).`,
          {},
          { cause: err },
        );
      }
      const container = sniffAudio(bytes);
      if (!container)
        throw new ProviderError(
          'bad_response',
          `${where} answered ${response.headers.get('content-type') ?? 'something'} that is not WAV, MP3, FLAC or Ogg audio.`,
          { status: response.status, body: bytes.subarray(0, 200).toString('latin1') },
        );
      return { bytes, container };
    },
  };
}
