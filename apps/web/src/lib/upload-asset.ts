import { type Asset, assetSchema } from '@clapboard/shared/api';
import { ApiError, accessTokenHeader, apiErrorOf, apiUrl, parseResponse, refreshSession } from './api-client';

/**
 * Uploads one file to a project's assets with XHR (fetch has no upload progress), as the
 * multipart field `file`. Refreshes the session once on 401.
 *
 * @param onProgress called with 0–1 as bytes leave the browser
 * @returns the stored asset (201)
 * @throws ApiError with the server's code and message (413 too large, 415 unsupported type, …)
 */
export async function uploadAsset(
  projectId: string,
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Asset> {
  const send = () =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', apiUrl(`/projects/${projectId}/assets`));
      const auth = accessTokenHeader();
      if (auth) xhr.setRequestHeader('authorization', auth);
      xhr.responseType = 'json';
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => resolve({ status: xhr.status, body: xhr.response });
      xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload was interrupted. Try again.'));
      xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Upload cancelled.'));
      signal?.addEventListener('abort', () => xhr.abort());
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    });
  let res = await send();
  if (res.status === 401 && (await refreshSession())) res = await send();
  if (res.status >= 200 && res.status < 300)
    return parseResponse(`/projects/${projectId}/assets`, assetSchema, res.body, res.status);
  throw await apiErrorOf(res.status, res.body, 'Upload failed');
}
