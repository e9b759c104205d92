import { useEffect, useState } from 'react';
import { apiErrorOf, authedFetch } from './api-client';

/**
 * An object URL of a file the API serves only with the bearer token (a brand kit's logo), for an
 * <img>; fetched again when `path` or `version` (what says the file changed) changes, revoked when no longer shown.
 * @param path API path such as `/brand-kits/1/logo`, or null for nothing
 */
export function useAuthedObjectUrl(
  path: string | null,
  version: string | number = 0,
): { url: string | null; error: Error | null } {
  const [state, setState] = useState<{ url: string | null; error: Error | null }>({ url: null, error: null });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the signal to fetch the file again
  useEffect(() => {
    if (!path) {
      setState({ url: null, error: null });
      return;
    }
    let url: string | null = null;
    let live = true;
    // No HTTP cache: the same path serves a new file once it is replaced.
    authedFetch(path, { cache: 'no-store' })
      .then(async (res) => {
        if (!res.ok) throw await apiErrorOf(res.status, await res.json().catch(() => null));
        const blob = await res.blob();
        if (!live) return;
        url = URL.createObjectURL(blob);
        setState({ url, error: null });
      })
      .catch((error: Error) => live && setState({ url: null, error }));
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [path, version]);
  return state;
}
