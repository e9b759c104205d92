import type { AddressInfo, Socket } from 'node:net';
import { waitFor } from '@clapboard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { CORK_AFTER_MESSAGES, sendMessage } from '../src/yjs/send-message';

/** Real sockets: a ws server and two clients on loopback. */
describe('sendMessage', () => {
  let wss: WebSocketServer;
  const serverSide: WebSocket[] = [];
  const clients: WebSocket[] = [];
  const received: number[][] = [[], []];

  beforeAll(async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const { port } = wss.address() as AddressInfo;
    wss.on('connection', (ws) => serverSide.push(ws));
    for (const i of [0, 1]) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      ws.binaryType = 'nodebuffer';
      ws.on('message', (data: Buffer) => received[i]!.push(data.readUInt32BE(0)));
      await new Promise((r) => ws.once('open', r));
      clients.push(ws);
    }
    await waitFor(() => serverSide.length === 2, 5_000, 'both connections on the server');
  });

  afterAll(async () => {
    for (const ws of clients) ws.close();
    await new Promise((r) => wss.close(r));
  });

  const message = (n: number) => {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, n);
    return bytes;
  };
  const corked = (ws: WebSocket) => (ws as unknown as { _socket: Socket })._socket.writableCorked;

  it('writes a light turn at once and corks a busy one past the threshold, until the turn ends, in order', async () => {
    const total = CORK_AFTER_MESSAGES * 3;
    // One turn: the first CORK_AFTER_MESSAGES messages are written as they are sent.
    for (let n = 0; n < CORK_AFTER_MESSAGES; n++) sendMessage(serverSide[n % 2]!, message(n));
    expect(corked(serverSide[0]!)).toBe(0);
    expect(corked(serverSide[1]!)).toBe(0);
    for (let n = CORK_AFTER_MESSAGES; n < total; n++) {
      sendMessage(serverSide[n % 2]!, message(n));
      expect(corked(serverSide[n % 2]!)).toBe(1);
    }
    // The turn's end uncorks every socket it corked.
    await new Promise((r) => setImmediate(r));
    expect(corked(serverSide[0]!)).toBe(0);
    expect(corked(serverSide[1]!)).toBe(0);
    await waitFor(() => received[0]!.length + received[1]!.length >= total, 5_000, 'every message');
    // Every message arrived, each client's in the order sent.
    expect(received[0]).toEqual(Array.from({ length: total / 2 }, (_, i) => i * 2));
    expect(received[1]).toEqual(Array.from({ length: total / 2 }, (_, i) => i * 2 + 1));

    // The next turn starts again from zero: its first message is not corked.
    sendMessage(serverSide[0]!, message(total));
    expect(corked(serverSide[0]!)).toBe(0);
  });
});
