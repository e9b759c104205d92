import { resumableUploadSchema } from '@clapboard/shared/api';
import { errorBodySchema } from '@clapboard/shared/errors';
import { DetailedError, defaultOptions, Upload } from 'tus-js-client';
import { accessTokenHeader, api, apiUrl, refreshSession } from '../lib/api-client';
import type { EventSource } from '../lib/project-events';
import type { ProjectSocket } from '../lib/project-socket';
import { waitForAsset } from './wait-for-asset';

/** Bytes per PATCH: small enough that a dropped connection costs little and progress is smooth. */
export const TUS_CHUNK_BYTES = 8 * 1024 * 1024;
/** Waits (ms) before each retry of a failed request; after the last, the upload pauses with an error. */
export const TUS_RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10_000, 20_000];
/** The header the API names the finished asset in (see the API's uploads route). */
const ASSET_ID_HEADER = 'Clapboard-Asset-Id';

/** An upload this browser remembers (tus-js-client's URL storage entry). */
export type PreviousUpload = Awaited<ReturnType<Upload['findPreviousUploads']>>[number];

export interface ResumableUploadHandle {
  /** Stops sending; `resume()` carries on from the server's offset. */
  pause(): void;
  resume(): void;
  /** Stops and deletes what the server received (tus termination). */
  cancel(): Promise<void>;
}

export interface ResumableUploadCallbacks {
  /** Bytes the server has acknowledged (or sent, mid-chunk) of the whole file. */
  onProgress(sent: number, total: number): void;
  /** Called once the file is an asset of the project. */
  onDone(assetId: string): void;
  onError(message: string): void;
  /** An earlier upload of this very file was found: it goes on where the server has it. */
  onResumed?(): void;
}

/** Unfinished uploads this browser remembers for a project (tus keeps them in localStorage). */
export async function unfinishedUploads(projectId: string): Promise<PreviousUpload[]> {
  const all = await defaultOptions.urlStorage.findAllUploads().catch(() => [] as PreviousUpload[]);
  return all.filter((u) => u.metadata.projectId === projectId && u.uploadUrl);
}

/** Forgets one remembered upload (the server sweeps its bytes when it expires). */
export function forgetUpload(previous: PreviousUpload): Promise<void> {
  return defaultOptions.urlStorage.removeUpload(previous.urlStorageKey);
}

/** The asset a finished upload became: named by the last PATCH, or awaited (see waitForAsset). */
function assetOf(uploadUrl: string, header: string | undefined, socket: EventSource): Promise<string> {
  if (header) return Promise.resolve(header);
  const path = new URL(uploadUrl, location.href).pathname.replace(/^\/api\/v1/, '');
  const uploadId = path.split('/').pop() ?? '';
  return waitForAsset(uploadId, { socket, fetchUpload: () => api(path, resumableUploadSchema) });
}

/**
 * Uploads a file to the project with tus (resumable): PATCHes of TUS_CHUNK_BYTES, retried with
 * backoff when the network drops, a fresh access token on every request (a 4 GB upload outlives
 * the 15-minute token), and resumption of an earlier upload of the same file (same name, size,
 * type and modification time) after a page reload: the browser remembers its URL and the server
 * says where to go on.
 */
export async function startResumableUpload(
  projectId: string,
  file: File,
  cb: ResumableUploadCallbacks,
  /** The project socket, on which the asset is announced when the last PATCH's answer was lost. */
  socket: ProjectSocket,
): Promise<ResumableUploadHandle> {
  let failedAuth = false;
  const upload = new Upload(file, {
    endpoint: apiUrl(`/projects/${projectId}/uploads`),
    metadata: { filename: file.name, filetype: file.type, projectId },
    chunkSize: TUS_CHUNK_BYTES,
    retryDelays: TUS_RETRY_DELAYS_MS,
    removeFingerprintOnSuccess: true,
    onBeforeRequest(req) {
      const auth = accessTokenHeader();
      if (auth) req.setHeader('Authorization', auth);
    },
    onShouldRetry(err, attempt) {
      const status = err instanceof DetailedError ? (err.originalResponse?.getStatus() ?? 0) : 0;
      if (status === 401 && !failedAuth) {
        // The access token expired mid-upload: renew it; the retry's onBeforeRequest takes it.
        failedAuth = true;
        void refreshSession();
        return true;
      }
      // Network failures (0), conflicts and server errors are worth another go; refusals are not.
      return (
        attempt < TUS_RETRY_DELAYS_MS.length &&
        (status === 0 || status === 409 || status === 423 || status >= 500)
      );
    },
    onProgress: (sent, total) => cb.onProgress(sent, total),
    onChunkComplete: () => {
      failedAuth = false;
    },
    onSuccess: ({ lastResponse }) => {
      // Socket.IO's typed `on` does not accept a string name: parsing is what types the events.
      assetOf(upload.url!, lastResponse.getHeader(ASSET_ID_HEADER), socket as unknown as EventSource).then(
        cb.onDone,
        (e: Error) => cb.onError(e.message),
      );
    },
    onError: (err) => cb.onError(errorMessage(err)),
  });
  const previous = (await upload.findPreviousUploads()).filter((p) => p.metadata.projectId === projectId);
  if (previous[0]) {
    upload.resumeFromPreviousUpload(previous[0]);
    cb.onResumed?.();
  }
  upload.start();
  return {
    pause: () => void upload.abort(),
    resume: () => upload.start(),
    cancel: () => upload.abort(true),
  };
}

/** The server's message when it sent one (`{ error: { message } }`), else the client's. */
function errorMessage(err: Error): string {
  if (err instanceof DetailedError && err.originalResponse) {
    let body: unknown = null;
    try {
      body = JSON.parse(err.originalResponse.getBody());
    } catch {
      // not JSON: the status says it
    }
    const parsed = errorBodySchema.safeParse(body);
    return parsed.success
      ? parsed.data.error.message
      : `The upload failed (HTTP ${err.originalResponse.getStatus()}).`;
  }
  return 'The upload was interrupted and could not resume. Choose the file again to go on where it stopped.';
}
