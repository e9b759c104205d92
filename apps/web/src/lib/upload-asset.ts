import { type Asset, assetSchema, directUploadSchema } from '@clapboard/shared/api';
import { ApiError, accessTokenHeader, apiErrorOf, apiUrl, parseResponse, refreshSession } from './api-client';

type Sent = { status: number; body: unknown };

/** One XHR (fetch has no upload progress) with the bearer token when `authorized`. */
function xhrSend(
  method: 'POST' | 'PUT',
  url: string,
  body: XMLHttpRequestBodyInit,
  options: {
    authorized: boolean;
    headers?: Record<string, string>;
    onProgress?: (fraction: number) => void;
    signal?: AbortSignal;
  },
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    const auth = options.authorized ? accessTokenHeader() : null;
    if (auth) xhr.setRequestHeader('authorization', auth);
    for (const [name, value] of Object.entries(options.headers ?? {})) xhr.setRequestHeader(name, value);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) options.onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.response });
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload was interrupted. Try again.'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Upload cancelled.'));
    options.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}

/** An API call that refreshes the session once on 401. */
async function withRefresh(send: () => Promise<Sent>): Promise<Sent> {
  const res = await send();
  return res.status === 401 && (await refreshSession()) ? send() : res;
}

/**
 * Whether the page says files go straight to storage (`<meta name="clapboard-uploads"
 * content="direct">`, written by the API that serves it when its store is S3, e.g. on the edge).
 */
export function directUploadsOn(): boolean {
  return document.querySelector<HTMLMetaElement>('meta[name="clapboard-uploads"]')?.content === 'direct';
}

/**
 * Uploads one file to a project's assets. Where the server keeps files in S3 (directUploadsOn) the
 * bytes go straight to the bucket: the API signs a PUT for this size and type, the browser PUTs
 * the file, and the API then reads, checks and probes what was stored. Otherwise (or if the server
 * says it cannot, 501) they go to the API as the multipart field `file`. Refreshes the session once
 * on 401.
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
  const path = `/projects/${projectId}/assets`;
  if (directUploadsOn()) {
    const started = await withRefresh(() =>
      xhrSend(
        'POST',
        apiUrl(`${path}/direct-uploads`),
        JSON.stringify({
          fileName: file.name,
          byteSize: file.size,
          contentType: file.type || 'application/octet-stream',
        }),
        { authorized: true, headers: { 'content-type': 'application/json' }, signal },
      ),
    );
    if (started.status !== 501) {
      if (started.status !== 201) throw await apiErrorOf(started.status, started.body, 'Upload failed');
      const direct = parseResponse(
        `${path}/direct-uploads`,
        directUploadSchema,
        started.body,
        started.status,
      );
      // The browser sets Content-Length itself (the file's size, which the URL is signed for).
      const { 'content-length': _length, ...headers } = direct.headers;
      const put = await xhrSend('PUT', direct.uploadUrl, file, {
        authorized: false,
        headers,
        onProgress,
        signal,
      });
      if (put.status < 200 || put.status >= 300)
        throw new ApiError(put.status, 'storage', `Storage refused the file (${put.status}). Try again.`);
      const done = await withRefresh(() =>
        xhrSend(
          'POST',
          apiUrl(`${path}/direct-uploads/complete`),
          JSON.stringify({ uploadToken: direct.uploadToken }),
          {
            authorized: true,
            headers: { 'content-type': 'application/json' },
            signal,
          },
        ),
      );
      if (done.status === 201)
        return parseResponse(`${path}/direct-uploads/complete`, assetSchema, done.body, done.status);
      throw await apiErrorOf(done.status, done.body, 'Upload failed');
    }
  }
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await withRefresh(() =>
    xhrSend('POST', apiUrl(path), form, { authorized: true, onProgress, signal }),
  );
  if (res.status >= 200 && res.status < 300) return parseResponse(path, assetSchema, res.body, res.status);
  throw await apiErrorOf(res.status, res.body, 'Upload failed');
}
