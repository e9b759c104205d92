import { assetKindSchema } from '@clapboard/shared/api';
import { z } from 'zod';

/** What the edge API asks the probe service (POST /internal/media-probe): read the file at `key`. */
export const probeRequestSchema = z.object({
  key: z.string().min(1).max(1024),
  kind: assetKindSchema,
  mime: z.string().min(1).max(255),
  maxImagePixels: z.number().int().positive().max(1_000_000_000),
});
export type ProbeRequest = z.infer<typeof probeRequestSchema>;

/** Its answer: the probe's result, the thumbnail as base64 (a few KiB of WebP). */
export const probeResponseSchema = z.object({
  kind: assetKindSchema,
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  durationSec: z.number().nullable(),
  details: z.record(z.string(), z.unknown()),
  thumbnail: z
    .string()
    .max(4 * 1024 * 1024)
    .nullable(),
});

/** A file the probe refused (the API's 422), with the ProbeError's reason. */
export const probeRefusalSchema = z.object({
  refused: z.object({
    reason: z.enum(['pixel_limit', 'unreadable', 'no_streams']),
    message: z.string().max(2000),
  }),
});

export const PROBE_SERVICE_PATH = '/internal/media-probe';
