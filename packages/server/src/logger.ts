import { openSync } from 'node:fs';
import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

/** Paths pino replaces with "[redacted]": secrets never reach logs. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'ticket',
  '*.ticket',
  'secret',
  '*.secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'res.headers["set-cookie"]',
];

/** How services write their log lines (see `bufferedDestination`). */
export const LOG_DEFAULTS = {
  /** Lines are gathered until this many bytes, then written in one call. */
  bufferBytes: 4096,
  /** ...or until this many milliseconds passed, so a quiet service's lines still appear promptly. */
  flushMs: 100,
} as const;

/**
 * A destination that writes log lines in chunks (one write per ~4 KiB or per 100 ms) instead of
 * one write system call per line: at an access-log line per request that call was the API's
 * single largest cost after the socket writes themselves (bench:api's profile). Flushed
 * synchronously on exit (pino's exit hook), so a normal stop, a crash that unwinds or a
 * StartupError loses nothing; a SIGKILL loses at most the last 100 ms of lines.
 *
 * @param dest a file descriptor (default 1, stdout) or a file path
 */
export function bufferedDestination(dest: number | string = 1): pino.DestinationStream {
  // A path is opened here, synchronously: a stream still opening its file at exit cannot flush.
  const fd = typeof dest === 'string' ? openSync(dest, 'a') : dest;
  const stream = pino.destination({ dest: fd, minLength: LOG_DEFAULTS.bufferBytes, sync: false });
  setInterval(() => {
    // A flush while the stream is still opening or already writing throws; the next tick retries.
    try {
      stream.flush();
    } catch {}
  }, LOG_DEFAULTS.flushMs).unref();
  return stream;
}

/**
 * Structured JSON logger for one service. Every line carries `service`; request handlers and job
 * processors add `reqId` / `jobId` through child loggers. Writes to `options.destination`, by
 * default stdout through `bufferedDestination`.
 */
export function createLogger(
  service: string,
  options: { level?: string; destination?: pino.DestinationStream } = {},
): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(opts, options.destination ?? bufferedDestination(1));
}

/**
 * `parent.child(bindings)`, built the first time something touches it. Building a child of a child
 * costs microseconds (V8 turns the parent into a prototype), worth paying only when a request
 * actually logs through it; the lines it writes are the same as the eager child's.
 */
export function lazyChild(parent: Logger, bindings: pino.Bindings): Logger {
  let child: Logger | undefined;
  const real = () => {
    child ??= parent.child(bindings);
    return child;
  };
  return new Proxy(Object.create(null) as Logger, {
    get(_, key) {
      const target = real();
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    getPrototypeOf: () => Object.getPrototypeOf(real()),
  });
}
