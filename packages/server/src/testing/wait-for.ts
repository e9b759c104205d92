/**
 * Polls `check` until it returns a truthy value, which it resolves with; after `timeoutMs` it throws
 * naming `what`. For tests and benchmarks that wait on another process, Postgres or a socket.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5_000,
  what = 'condition',
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Reads a value until `ok(value)` holds and resolves with it; after `timeoutMs` it throws naming
 * `what` with the last value read (so a failure says what was seen instead).
 */
export async function until<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs: number,
  what: string,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs} ms (last ${JSON.stringify(value)?.slice(0, 500)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
