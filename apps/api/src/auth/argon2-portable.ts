import { argon2id } from '@noble/hashes/argon2.js';
import { randomBytes } from '@noble/hashes/utils.js';

/**
 * argon2id in plain JavaScript (@noble/hashes), for runtimes without native addons (workerd). It
 * reads and writes the same PHC strings as @node-rs/argon2 (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`),
 * so either runtime verifies the other's hashes. About 10× slower than the native binding (~300 ms
 * for OWASP's 19 MiB profile), which the edge pays only on sign-in, sign-up and password changes.
 */
export interface HashOptions {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

const ARGON2_VERSION = 0x13;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, '');
function unb64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]+$/.test(text)) return null;
  const bin = atob(text + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

export async function hash(password: string, options: HashOptions): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const digest = argon2id(password, salt, {
    m: options.memoryCost,
    t: options.timeCost,
    p: options.parallelism,
    dkLen: HASH_BYTES,
    version: ARGON2_VERSION,
  });
  return `$argon2id$v=${ARGON2_VERSION}$m=${options.memoryCost},t=${options.timeCost},p=${options.parallelism}$${b64(salt)}$${b64(digest)}`;
}

/** Cost bounds a stored hash may ask for (a corrupted row must not cost gigabytes). */
const MAX_MEMORY_KIB = 256 * 1024;
const MAX_TIME = 16;

export async function verify(phc: string, password: string): Promise<boolean> {
  const m = /^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(phc);
  if (!m) throw new Error('not an argon2id PHC string');
  const [version, memory, time, lanes] = [m[1], m[2], m[3], m[4]].map(Number) as [
    number,
    number,
    number,
    number,
  ];
  const salt = unb64(m[5] as string);
  const expected = unb64(m[6] as string);
  if (!salt || !expected || version !== ARGON2_VERSION) throw new Error('unsupported argon2id hash');
  if (memory > MAX_MEMORY_KIB || time > MAX_TIME || lanes < 1 || lanes > 16)
    throw new Error('argon2id cost out of bounds');
  const actual = argon2id(password, salt, { m: memory, t: time, p: lanes, dkLen: expected.length, version });
  let diff = actual.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) diff |= (actual[i] ?? 0) ^ (expected[i] as number);
  return diff === 0;
}
