import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProjectEvent, ServerToClientEvents } from '@clapboard/shared/events';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import type { Harness } from './harness';

type ProjectEventName = {
  [K in keyof ServerToClientEvents]: Parameters<ServerToClientEvents[K]>[0] extends ProjectEvent ? K : never;
}[keyof ServerToClientEvents];

/**
 * A real Socket.IO server on the harness's Redis adapter and a client in `project:<projectId>`,
 * recording the project events the API emits through its Redis emitter.
 */
export async function listenToProject(h: Harness, projectId: string, names: readonly ProjectEventName[]) {
  const http = createServer();
  const pub = h.redis.duplicate();
  const sub = h.redis.duplicate();
  const io = new Server(http, { adapter: createAdapter(pub, sub, { key: h.socketKey }) });
  io.on('connection', (s) => void s.join(`project:${projectId}`));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
    transports: ['websocket'],
  });
  const events: Array<{ name: ProjectEventName; event: ProjectEvent }> = [];
  for (const name of names) client.on(name, ((event: ProjectEvent) => events.push({ name, event })) as never);
  await new Promise<void>((r) => client.once('connect', () => r()));
  // The adapter subscribes to Redis in the background: until it has, an emitted event is lost.
  // Probe through the API's own emitter until one arrives, so no event the test waits for is.
  const probe = `probe-${crypto.randomUUID()}`;
  let heard = false;
  // A name no product event uses, sent through the API's own emitter.
  const raw = client as unknown as { on(name: string, fn: (e: { probe: string }) => void): void };
  raw.on('test:probe', (e) => {
    if (e.probe === probe) heard = true;
  });
  const until = Date.now() + 10_000;
  while (!heard) {
    if (Date.now() > until) throw new Error('the project room never heard the probe event');
    const room = h.deps.emitter?.to(`project:${projectId}`) as unknown as
      | { emit(name: string, e: { probe: string }): void }
      | undefined;
    room?.emit('test:probe', { probe });
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    events,
    /** The first `name` event that `match` accepts, waiting up to 10 s. */
    async waitFor(name: ProjectEventName, match: (e: ProjectEvent) => boolean): Promise<ProjectEvent> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = events.find((e) => e.name === name && match(e.event));
        if (found) return found.event;
        if (Date.now() > deadline) throw new Error(`no ${name} event; got ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      client.close();
      await new Promise<void>((r) => io.close(() => r()));
      pub.disconnect();
      sub.disconnect();
    },
  };
}
