import { AWARENESS_LIMITS } from '@clapboard/shared/document';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** One entry of an awareness update: a client id, its clock and its state as JSON text. */
export interface AwarenessEntry {
  id: number;
  clock: number;
  state: string;
}

/**
 * Decodes an awareness update (the y-protocols encoding: count, then per entry client id, clock and
 * JSON state). Throws on a truncated update, which the caller treats as malformed.
 */
export function decodeAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const id = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    entries.push({ id, clock, state: decoding.readVarString(decoder) });
  }
  return entries;
}

/** Encodes entries back into an awareness update. */
export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.id);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, e.state);
  }
  return encoding.toUint8Array(encoder);
}

/** A token bucket of awareness updates for one connection (AWARENESS_LIMITS by default). */
export class AwarenessBudget {
  private tokens: number;
  private last: number;
  constructor(
    private readonly perSec: number = AWARENESS_LIMITS.updatesPerSec,
    private readonly burst: number = AWARENESS_LIMITS.burst,
    now = performance.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one update; false once the connection has sent more than its rate allows. */
  take(now = performance.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSec);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
