import { metricsAuthorized } from '@clapboard/server/metrics';
import type { BlobStore } from '@clapboard/server/storage';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { notFound, unauthorized, validationFailed } from '../errors/http-error';
import { type MediaProbe, ProbeError } from './media-probe';
import { PROBE_SERVICE_PATH, probeRequestSchema } from './probe-wire';

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * The media probe as a service, for API instances that cannot run ffprobe and sharp themselves
 * (the edge entry): `POST /internal/media-probe` with `Authorization: Bearer <MEDIA_PROBE_TOKEN>`
 * reads the stored file at `key` from the shared blob store and answers the probe's result, or
 * `{ refused }` (422) for a file the probe refuses. Mounted by a Node API when MEDIA_PROBE_TOKEN
 * is set; never reachable without the token.
 */
export function probeServiceRoutes(deps: { blobStore: BlobStore; probe: MediaProbe; token: string }) {
  const app = new Hono<AppEnv>();
  app.post(PROBE_SERVICE_PATH, async (c) => {
    if (!metricsAuthorized(c.req.header('authorization'), deps.token))
      throw unauthorized('The media probe service needs its bearer token.');
    const parsed = probeRequestSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw validationFailed(parsed.error.issues);
    const input = parsed.data;
    const exists = await deps.blobStore.get(input.key);
    if (!exists) throw notFound('Stored file');
    await exists.body.cancel();
    try {
      const result = await deps.probe.probe({
        ...input,
        open: async () => (await deps.blobStore.get(input.key))!.body,
      });
      return c.json({ ...result, thumbnail: result.thumbnail ? toBase64(result.thumbnail) : null }, 200);
    } catch (err) {
      if (err instanceof ProbeError)
        return c.json({ refused: { reason: err.reason, message: err.message } }, 422);
      throw err;
    }
  });
  return app;
}
