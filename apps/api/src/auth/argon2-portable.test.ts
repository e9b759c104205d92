import * as native from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import * as portable from './argon2-portable';

// The same profile password.ts uses, so the hashes are the ones each runtime really writes.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

describe('portable argon2id (the edge build) against the native binding (Node)', () => {
  it('each verifies the hashes the other wrote, and rejects a wrong password', async () => {
    const fromNative = await native.hash('correct horse battery', OPTIONS);
    const fromPortable = await portable.hash('correct horse battery', OPTIONS);
    expect(fromPortable).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await portable.verify(fromNative, 'correct horse battery')).toBe(true);
    expect(await native.verify(fromPortable, 'correct horse battery')).toBe(true);
    expect(await portable.verify(fromNative, 'correct horse batterY')).toBe(false);
    expect(await native.verify(fromPortable, 'wrong')).toBe(false);
  }, 20_000);

  it('refuses malformed, foreign-algorithm and absurd-cost hashes', async () => {
    await expect(portable.verify('not a hash', 'x')).rejects.toThrow();
    // 1 is Algorithm.Argon2i (a const enum, which this project's TS settings cannot read).
    const argon2i = await native.hash('pw', { ...OPTIONS, algorithm: 1 as never });
    expect(argon2i.startsWith('$argon2i$')).toBe(true);
    await expect(portable.verify(argon2i, 'pw')).rejects.toThrow();
    await expect(
      portable.verify(
        '$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
        'pw',
      ),
    ).rejects.toThrow(/out of bounds/);
  }, 20_000);
});
