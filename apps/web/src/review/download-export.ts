import { accessTokenHeader, apiUrl, refreshSession } from '../lib/api-client';

/**
 * Downloads an export that needs the bearer token (a plain link cannot send it): fetches it, then
 * saves the bytes under the server's file name.
 */
export async function downloadExport(path: string, fallbackName: string): Promise<void> {
  const get = () => fetch(apiUrl(path), { headers: { authorization: accessTokenHeader() ?? '' } });
  let res = await get();
  if (res.status === 401 && (await refreshSession())) res = await get();
  if (!res.ok) throw new Error(`The export failed (${res.status}).`);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
