import { HttpError } from '../errors/http-error';
import { type MediaProbe, ProbeError, type ProbeInput, type ProbeResult } from './media-probe';
import { PROBE_SERVICE_PATH, probeRefusalSchema, probeResponseSchema } from './probe-wire';

export interface RemoteMediaProbeOptions {
  /** Origin of a Node API that serves the probe service (MEDIA_PROBE_URL). */
  url: string;
  /** Its MEDIA_PROBE_TOKEN. */
  token: string;
  /** How long one probe may take (ms); default 60 000 (a long video's frame grab). */
  timeoutMs?: number;
}

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

/**
 * A probe that asks a Node API's probe service (`probeServiceRoutes`) to read the stored file from
 * the shared blob store: what the edge entry uses, since ffprobe and sharp cannot run there. Only
 * the key crosses the network, never the file. A refusal is the same ProbeError (422) a local
 * probe gives; a service that cannot be reached is a 503 that says so.
 */
export function createRemoteMediaProbe(options: RemoteMediaProbeOptions): MediaProbe {
  const endpoint = new URL(PROBE_SERVICE_PATH, options.url).href;
  return {
    async probe(input: ProbeInput): Promise<ProbeResult> {
      let res: Response;
      try {
        res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
          body: JSON.stringify({
            key: input.key,
            kind: input.kind,
            mime: input.mime,
            maxImagePixels: input.maxImagePixels,
          }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
        });
      } catch (err) {
        throw new HttpError(
          503,
          'unavailable',
          `The media probe service at ${options.url} could not be reached (${err instanceof Error ? err.message : String(err)}); try the upload again.`,
        );
      }
      const body = await res.json().catch(() => null);
      if (res.status === 422) {
        const refusal = probeRefusalSchema.safeParse(body);
        if (refusal.success) throw new ProbeError(refusal.data.refused.reason, refusal.data.refused.message);
      }
      const parsed = probeResponseSchema.safeParse(body);
      if (!res.ok || !parsed.success)
        throw new HttpError(
          503,
          'unavailable',
          `The media probe service answered ${res.status}; the upload was not kept. Try again, or check MEDIA_PROBE_URL and MEDIA_PROBE_TOKEN.`,
        );
      const r = parsed.data;
      return { ...r, thumbnail: r.thumbnail ? fromBase64(r.thumbnail) : null };
    },
  };
}
