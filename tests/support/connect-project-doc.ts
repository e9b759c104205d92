import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { apiCall } from './e2e-api';
import type { Stack } from './start-stack';

/**
 * A collaborator's copy of a project's document, connected through the stack's realtime server with
 * a ticket for `token` (as the web's editor connects), once it has synced.
 * @returns the document and its provider; `close()` disconnects and destroys both
 */
export async function connectProjectDoc(
  stack: Pick<Stack, 'baseUrl' | 'realtimeUrl'>,
  token: string,
  projectId: string,
): Promise<{ doc: Y.Doc; provider: WebsocketProvider; close(): void }> {
  const { ticket } = await apiCall<{ ticket: string }>(stack.baseUrl, '/realtime/tickets', {
    method: 'POST',
    json: { projectId },
    token,
  });
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${stack.realtimeUrl.replace(/^http/, 'ws')}/yjs`, projectId, doc, {
    // biome-ignore lint/suspicious/noExplicitAny: ws implements the WebSocket surface the provider uses
    WebSocketPolyfill: WebSocket as any,
    params: { ticket },
    disableBc: true,
  });
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
  return {
    doc,
    provider,
    close() {
      provider.destroy();
      doc.destroy();
    },
  };
}
