import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

/**
 * Messages a turn of the event loop sends before the sockets it writes to are corked. Measured with
 * bench:collab (ours ×1, runs interleaved, edit p99 medians; docs/benchmarks.md has the method):
 * corking every socket from the first message cost 500 clients 42 ms against 27 ms with this
 * threshold (a light turn's messages waited for the end of the turn for nothing: each socket gets
 * about one), while never corking nearly quadrupled 1,000 clients' p99 (1,168 ms against 304 ms: a busy
 * turn sends each socket several messages, one system call each). 64 is about twice the messages
 * of an average turn at 500 clients and a fifth of one at 1,000.
 */
export const CORK_AFTER_MESSAGES = 64;

/** Sockets corked in this turn of the event loop, until it ends. */
const corked = new Set<Socket>();
/** Messages sent in this turn so far. */
let sentThisTurn = 0;
let endScheduled = false;

function endTurn(): void {
  endScheduled = false;
  sentThisTurn = 0;
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/**
 * Sends a binary message if the socket is open; a failing send closes it (the client resyncs).
 *
 * A turn of the event loop that sends many messages (a burst of relayed edits under load) corks
 * each TCP socket it writes to after its first CORK_AFTER_MESSAGES messages, until the turn ends, so
 * what it sends one client from then on leaves in one `writev` instead of one system call each:
 * profiling bench:collab at 1,000 clients showed ~40 % of the server's time in per-message socket
 * writes. A light turn writes at once, so at modest load no message waits for the rest of the turn.
 * Message boundaries are unchanged.
 */
export function sendMessage(ws: WebSocket, message: Uint8Array): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  if (++sentThisTurn > CORK_AFTER_MESSAGES) {
    // `_socket` is ws's handle on the TCP socket (set while open).
    const socket = (ws as unknown as { _socket?: Socket })._socket;
    if (socket && !corked.has(socket)) {
      socket.cork();
      corked.add(socket);
    }
  }
  if (!endScheduled) {
    endScheduled = true;
    setImmediate(endTurn);
  }
  ws.send(message, { binary: true }, (err) => {
    if (err) ws.terminate();
  });
}
