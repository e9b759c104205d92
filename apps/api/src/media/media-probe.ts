import type { AssetKind } from '@clapboard/shared/api';

export interface ProbeInput {
  kind: AssetKind;
  mime: string;
  /** Opens the stored bytes (the probe may need to read them more than once or spool them). */
  open(): Promise<ReadableStream<Uint8Array>>;
  /** The blob store key the bytes are under (a remote probe reads them from the store itself). */
  key: string;
  /** Largest image (width × height) to decode. */
  maxImagePixels: number;
}

export interface ProbeResult {
  /** The kind after probing (an MP4 with no video stream is audio). */
  kind: AssetKind;
  width: number | null;
  height: number | null;
  durationSec: number | null;
  /** Summary stored in `assets.probe`: format, streams (codec, size, rate, channels). */
  details: Record<string, unknown>;
  /** A small WebP preview, when the kind has one (images, videos). */
  thumbnail: Uint8Array | null;
}

/** Why a probe refused a file; the API answers 422 with this message. */
export class ProbeError extends Error {
  override name = 'ProbeError';
  constructor(
    readonly reason: 'pixel_limit' | 'unreadable' | 'no_streams',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a stored file's real properties. Spawning ffprobe and running sharp are Node-only, so the
 * app takes this as a dependency: main.ts and the tests wire the real implementation
 * (`createNodeMediaProbe`); the edge entry wires `createRemoteMediaProbe`, which asks a Node API's
 * probe service (`probeServiceRoutes`) to read the stored file.
 */
export interface MediaProbe {
  probe(input: ProbeInput): Promise<ProbeResult>;
}
