import { ProviderError } from './provider-error';

/**
 * One HTTP call to a provider with a timeout, mapping failures to ProviderError: network errors →
 * `unreachable`, 4xx → `rejected`, 5xx → `server_error`.
 *
 * @returns the raw Response (status 2xx) so callers can read JSON or bytes
 */
export async function requestProvider(
  url: string,
  init: RequestInit & { timeoutMs: number; signal?: AbortSignal },
): Promise<Response> {
  const timeout = AbortSignal.timeout(init.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
    });
  } catch (cause) {
    throw new ProviderError(
      'unreachable',
      `Could not reach ${url}: ${(cause as Error).message}`,
      {},
      { cause },
    );
  }
  if (!response.ok) {
    const body = (await response.text().catch(() => '')).slice(0, 2000);
    throw new ProviderError(
      response.status >= 500 ? 'server_error' : 'rejected',
      `${url} answered ${response.status}`,
      { status: response.status, body },
    );
  }
  return response;
}

/** Reads a JSON body, or throws `bad_response`. */
export async function readJson<T>(response: Response, url: string): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ProviderError('bad_response', `${url} did not answer JSON`, {
      status: response.status,
      body: text.slice(0, 2000),
    });
  }
}
