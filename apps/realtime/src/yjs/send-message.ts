import { WebSocket } from 'ws';

/** Sends a binary message if the socket is open; a failing send closes it (the client resyncs). */
export function sendMessage(ws: WebSocket, message: Uint8Array): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  ws.send(message, { binary: true }, (err) => {
    if (err) ws.terminate();
  });
}
