/**
 * Peer for the collab benchmark: `@hocuspocus/server` (3.4.4) with no extensions (in-memory, no
 * persistence). Usage: tsx hocuspocus-server.ts <port>
 */
import { Server } from '@hocuspocus/server';

const port = Number(process.argv[2] ?? 0);
const server = new Server({ port, address: '127.0.0.1', quiet: true });
await server.listen();
process.stdout.write('ready\n');
// Exit on SIGTERM (the bench's stop) rather than die of it, so `--cpu-prof` gets written.
process.on('SIGTERM', () => process.exit(0));
