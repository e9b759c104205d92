import type { ModelStatus } from '@clapboard/shared/models';
import { ProviderError } from './provider-error';

export interface BreakerOptions {
  /** Failures in a row that open the circuit; default 5. */
  failures?: number;
  /** How long an open circuit refuses calls before letting one trial through (ms); default 60 000. */
  openMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

export const BREAKER_DEFAULTS = { failures: 5, openMs: 60_000 } as const;

/**
 * Whether a failure is the provider's: unreachable (network, timeout), 5xx, or an answer that is
 * not what it promised. A refusal of the request (4xx) is the caller's, and a cancel is nobody's.
 */
function providerFault(err: unknown): err is ProviderError {
  if (!(err instanceof ProviderError) || err.code === 'rejected' || err.code === 'circuit_open') return false;
  return (err.cause as { name?: string } | undefined)?.name !== 'AbortError';
}

/**
 * A circuit breaker for one remote provider. After `failures` provider faults in a row it opens:
 * every call fails at once with a `circuit_open` ProviderError (so a pipeline with an offline path
 * takes it without waiting for timeouts, and one without retries later through BullMQ). After
 * `openMs` one call is let through; its success closes the circuit, its failure opens it again.
 * State is per worker process: each worker finds out for itself, within `failures` calls.
 */
export class CircuitBreaker {
  private consecutive = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;
  private calls = 0;
  /** The last fault's message, for the report. */
  lastFault: string | null = null;

  constructor(
    /** The provider as people know it (its source), for messages. */
    readonly provider: string,
    private readonly options: BreakerOptions = {},
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private get openMs(): number {
    return this.options.openMs ?? BREAKER_DEFAULTS.openMs;
  }

  /** `open` while refusing calls, `half-open` when the next call is a trial, else `closed`. */
  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.openMs && !this.trialInFlight ? 'half-open' : 'open';
  }

  /** When an open circuit lets its next trial call through (epoch ms); null when closed. */
  get reopensAt(): number | null {
    return this.openedAt === null ? null : this.openedAt + this.openMs;
  }

  /** For the models report: unavailable while open (with why and until when), ready after a success. */
  status(): { status: ModelStatus; reason: string | null } {
    if (this.openedAt !== null)
      return {
        status: 'unavailable',
        reason:
          `Paused after ${this.options.failures ?? BREAKER_DEFAULTS.failures} failures in a row (last: ${this.lastFault ?? 'unknown'}); tried again after ${new Date(this.reopensAt!).toISOString()}. Steps with an offline path use it meanwhile.`.slice(
            0,
            500,
          ),
      };
    return { status: this.calls > 0 && this.consecutive === 0 ? 'ready' : 'unchecked', reason: null };
  }

  /** Runs one provider call through the breaker. @throws ProviderError `circuit_open` while open */
  async run<T>(call: () => Promise<T>): Promise<T> {
    let trial = false;
    if (this.openedAt !== null) {
      if (this.state !== 'half-open')
        throw new ProviderError(
          'circuit_open',
          `${this.provider} is paused after ${this.options.failures ?? BREAKER_DEFAULTS.failures} failures in a row (last: ${this.lastFault ?? 'unknown'}); it is tried again after ${new Date(this.reopensAt!).toISOString()}.`,
        );
      trial = true;
      this.trialInFlight = true;
    }
    this.calls++;
    try {
      const result = await call();
      this.consecutive = 0;
      this.openedAt = null;
      return result;
    } catch (err) {
      if (providerFault(err)) {
        this.consecutive++;
        this.lastFault = err.message.slice(0, 200);
        if (trial || this.consecutive >= (this.options.failures ?? BREAKER_DEFAULTS.failures))
          this.openedAt = this.now();
      }
      throw err;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }
}

/**
 * `impl` with the named methods (its remote calls) going through `breaker`; everything else (its
 * `source`, `bundled`, synchronous helpers) as it was.
 */
export function guardProvider<T extends object>(
  impl: T,
  methods: readonly (keyof T & string)[],
  breaker: CircuitBreaker,
): T {
  const wrapped: Record<string, unknown> = {};
  for (const name of methods) {
    const method = impl[name];
    if (typeof method !== 'function') continue;
    wrapped[name] = (...args: unknown[]) =>
      breaker.run(() => (method as (...a: unknown[]) => Promise<unknown>).apply(impl, args));
  }
  return Object.assign(Object.create(impl) as T, wrapped);
}
