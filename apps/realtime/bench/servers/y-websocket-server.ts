/**
 * Peer for the collab benchmark: the reference `@y/websocket-server` (0.1.1): in memory, or, with
 * YPERSISTENCE=<folder> (its own option), storing every update in LevelDB (y-leveldb) as it comes.
 * Usage: tsx y-websocket-server.ts <port>
 */
import { createServer } from 'node:http';
import { setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] ?? 0);
const wss = new WebSocketServer({ noServer: true });
const server = createServer((_req, res) => res.writeHead(200).end('ok'));
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req, { gc: true }));
});
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
// Exit on SIGTERM (the bench's stop) rather than die of it, so `--cpu-prof` gets written.
process.on('SIGTERM', () => process.exit(0));
