/** Why a remote provider call failed: `unreachable` and 5xx are worth retrying, the rest are not. */
export type ProviderErrorCode = 'unreachable' | 'rejected' | 'server_error' | 'bad_response';

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
    return this.code === 'unreachable' || this.code === 'server_error';
  }
}
