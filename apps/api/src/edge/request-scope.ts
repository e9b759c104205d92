import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Connections that live for one request.
 *
 * workerd (and Cloudflare Workers) bind every socket to the request that opened it: a Postgres or
 * Redis connection opened while serving one request cannot be written from another ("Cannot perform
 * I/O on behalf of a different request"). The app, though, is built once per isolate and its routes
 * hold `deps.sql`, `deps.redis` and `deps.queues` from then on. So on the edge those deps are
 * stand-ins (`perRequest`) that resolve, on each use, to the current request's own connection,
 * opened on first use and closed when the request's response has been sent (`closeScope`).
 * The request is found through AsyncLocalStorage, which follows awaits and timers.
 */
interface Scope {
  readonly opened: Map<string, unknown>;
  readonly closers: (() => unknown)[];
  closed: boolean;
}

const storage = new AsyncLocalStorage<Scope>();

export function newScope(): Scope {
  return { opened: new Map(), closers: [], closed: false };
}

/** Runs `fn` with `scope` as the current request's scope. */
export function inScope<T>(scope: Scope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** Closes what the request opened (in reverse order); a failure to close is not the request's. */
export async function closeScope(scope: Scope): Promise<void> {
  if (scope.closed) return;
  scope.closed = true;
  for (const close of scope.closers.reverse()) {
    try {
      await close();
    } catch {
      // A connection that fails to close is gone either way.
    }
  }
}

/** The current request's instance of `name`, opened on first use. */
export function current<T>(name: string, open: () => T, close: (value: T) => unknown): T {
  const scope = storage.getStore();
  if (!scope) throw new Error(`${name} was used outside a request (edge connections are per request)`);
  if (scope.closed) throw new Error(`${name} was used after its request ended`);
  if (scope.opened.has(name)) return scope.opened.get(name) as T;
  const value = open();
  scope.opened.set(name, value);
  scope.closers.push(() => close(value));
  return value;
}

/**
 * A stand-in for a per-request object: property reads and calls go to the current request's
 * instance. Functions are bound to it, so `deps.sql.begin(...)` and `` deps.sql`...` `` (a callable
 * `postgres` client) both work.
 */
export function perRequest<T extends object>(name: string, open: () => T, close: (value: T) => unknown): T {
  const resolve = () => current(name, open, close) as Record<PropertyKey, unknown>;
  // A function target, so the stand-in is callable when the real object is (postgres.js' `sql`).
  const target = function standIn() {};
  return new Proxy(target, {
    get(_target, prop) {
      const real = resolve();
      const value = Reflect.get(real, prop, real);
      return typeof value === 'function' ? value.bind(real) : value;
    },
    set(_target, prop, value) {
      return Reflect.set(resolve(), prop, value);
    },
    has(_target, prop) {
      return prop in resolve();
    },
    apply(_target, _this, args) {
      return Reflect.apply(resolve() as unknown as (...a: unknown[]) => unknown, undefined, args);
    },
  }) as unknown as T;
}
