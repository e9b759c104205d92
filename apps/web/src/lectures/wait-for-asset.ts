import type { ResumableUpload } from '@clapboard/shared/api';
import type { UploadSettledPayload } from '@clapboard/shared/events';
import { type EventSource, listenToProjectEvents } from '../lib/project-events';

/** How long a complete upload may take to become an asset before the page stops waiting. */
export const ASSEMBLY_WAIT_MS = 15 * 60_000;

/**
 * The asset a complete upload became, when its last PATCH did not say (a proxy cut the response
 * while the API joined and hashed the file, which takes minutes for 4 GiB). Event-driven, no
 * polling: it listens for the upload's `upload:settled` on the project socket and asks the API
 * once now and once on every reconnect (an event sent while disconnected is not replayed).
 *
 * @param fetchUpload reads the upload's record (GET /uploads/:id)
 * @throws when the upload went back to `open` or was refused, when the API cannot be asked, or after
 *   `timeoutMs`
 */
export function waitForAsset(
  uploadId: string,
  deps: {
    socket: EventSource;
    fetchUpload: () => Promise<ResumableUpload>;
    timeoutMs?: number;
  },
): Promise<string> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const end = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      stopEvents();
      deps.socket.off('connect', ask);
      outcome();
    };
    const take = (state: Pick<UploadSettledPayload, 'status' | 'assetId'> | ResumableUpload) => {
      if (state.assetId) {
        const assetId = state.assetId;
        end(() => resolve(assetId));
      } else if (state.status === 'open' || state.status === 'deleted')
        end(() => reject(new Error('The upload finished but did not become an asset; upload it again.')));
      // `assembling`: the event is still to come.
    };
    function ask() {
      deps.fetchUpload().then(take, (err: Error) => end(() => reject(err)));
    }
    const deadline = setTimeout(
      () =>
        end(() =>
          reject(
            new Error(
              'The upload is taking long to become an asset; look for it in the Assets tab in a few minutes.',
            ),
          ),
        ),
      deps.timeoutMs ?? ASSEMBLY_WAIT_MS,
    );
    const stopEvents = listenToProjectEvents(deps.socket, (event) => {
      if (event.type === 'upload:settled' && event.payload.uploadId === uploadId) take(event.payload);
    });
    deps.socket.on('connect', ask);
    ask();
  });
}
