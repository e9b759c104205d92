/**
 * Why a remote provider call failed: `unreachable`, 5xx and an open circuit (the provider failed
 * repeatedly and is paused; see CircuitBreaker) are worth retrying later, the rest are not.
 */
export type ProviderErrorCode = 'unreachable' | 'rejected' | 'server_error' | 'bad_response' | 'circuit_open';

export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    readonly details: { status?: number; body?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Transient: retry with backoff (BullMQ). Otherwise the job should fail without retry. */
  get retryable(): boolean {
    return this.code === 'unreachable' || this.code === 'server_error' || this.code === 'circuit_open';
  }
}
