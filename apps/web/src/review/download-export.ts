import { apiErrorOf, authedFetch } from '../lib/api-client';

/**
 * Downloads an export that needs the bearer token (a plain link cannot send it): fetches it, then
 * saves the bytes under the server's file name. With `json` the request is a POST of that body
 * (a zip of chosen files); a refusal throws the API's error, message included.
 */
export async function downloadExport(path: string, fallbackName: string, json?: unknown): Promise<void> {
  const res = await authedFetch(
    path,
    json === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) },
  );
  if (!res.ok) throw await apiErrorOf(res.status, await res.json().catch(() => null), 'The export failed');
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
