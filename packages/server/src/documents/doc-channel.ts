import { createHash } from 'node:crypto';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Redis } from '../redis';

/**
 * Kinds of message on a document's Redis channel. Every realtime instance that holds the document
 * subscribes; the API publishes restores here too.
 */
export const DOC_CHANNEL_MESSAGE = {
  /** A Yjs update (binary, v1 encoding) to apply and fan out to local clients. */
  update: 0,
  /** An awareness update (y-protocols encoding) to relay to local clients. */
  awareness: 1,
  /**
   * "I just opened this document": payload is the sender's state vector. Instances holding the
   * document answer with an `update` carrying what the sender lacks plus their awareness states, which
   * closes the gap between another instance accepting an edit and that edit reaching Postgres.
   */
  syncRequest: 2,
  /**
   * "These updates are committed": payload is the concatenated STORED_HASH_BYTES-byte prefixes of
   * the SHA-256 of updates the sender just stored (`updateHash`). Instances holding a relayed copy of
   * one drop it instead of writing it again; a copy never confirmed is written after a grace period,
   * which is what keeps an edit whose accepting instance died before its commit.
   */
  stored: 3,
  /**
   * "I hold this document too", with the sender's state vector as payload (empty from older
   * instances): the answer to a `syncRequest` that has nothing newer to send, and a heartbeat while
   * another instance is around. An instance publishes a document's updates and presence only while
   * another instance (or the API) has spoken on its channel recently, so a document held by one
   * instance costs Redis nothing. A receiver whose document lacks changes the state vector shows
   * (an update message was lost) asks for them with a `syncRequest`.
   */
  here: 4,
} as const;

/** Bytes of an update's SHA-256 that a `stored` message carries per update. */
export const STORED_HASH_BYTES = 16;

/** The key a `stored` message names an update by: the first STORED_HASH_BYTES of its SHA-256, hex. */
export function updateHash(update: Uint8Array): string {
  return createHash('sha256')
    .update(update)
    .digest('hex')
    .slice(0, STORED_HASH_BYTES * 2);
}
export type DocChannelKind = (typeof DOC_CHANNEL_MESSAGE)[keyof typeof DOC_CHANNEL_MESSAGE];

export interface DocChannelMessage {
  /** Id of the publishing instance, so an instance drops its own echoes. */
  origin: string;
  kind: DocChannelKind;
  payload: Uint8Array;
}

const KINDS = new Set<number>(Object.values(DOC_CHANNEL_MESSAGE));

/** The Redis pub/sub channel of one document. */
export function docChannel(docId: string): string {
  return `clapboard:doc:${docId}`;
}

/** Encodes a channel message: varString origin, varUint kind, varUint8Array payload. */
export function encodeDocChannelMessage(message: DocChannelMessage): Buffer {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, message.origin);
  encoding.writeVarUint(encoder, message.kind);
  encoding.writeVarUint8Array(encoder, message.payload);
  return Buffer.from(encoding.toUint8Array(encoder));
}

/** Decodes a channel message; returns null for anything malformed (never throws). */
export function decodeDocChannelMessage(data: Uint8Array): DocChannelMessage | null {
  try {
    const decoder = decoding.createDecoder(data);
    const origin = decoding.readVarString(decoder);
    const kind = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (!KINDS.has(kind)) return null;
    return { origin, kind: kind as DocChannelKind, payload };
  } catch {
    return null;
  }
}

/**
 * Publishes a Yjs update on the document's channel so every connected client on every instance
 * receives it (used by the API for version restores). Persisting it is the caller's job.
 */
export async function publishDocUpdate(
  redis: Redis,
  docId: string,
  origin: string,
  update: Uint8Array,
): Promise<void> {
  await redis.publish(
    docChannel(docId),
    encodeDocChannelMessage({ origin, kind: DOC_CHANNEL_MESSAGE.update, payload: update }),
  );
}
