import { hash, verify } from '#argon2';

/**
 * argon2id (the library's default algorithm) with OWASP's second recommended profile (19 MiB, 2 passes, 1 lane): ~30 ms on the CI box,
 * slow enough to hurt offline guessing, fast enough for login bursts.
 */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Hashes a password into a PHC string (`$argon2id$v=19$m=...`) that carries its own salt and cost. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** True when `password` matches `phc`. A malformed hash counts as a mismatch, never a throw. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

/**
 * A hash of a random password, checked when the email is unknown so a login for a missing account
 * costs the same time as a wrong password (no account enumeration by timing).
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(crypto.randomUUID());
  return decoy;
}
