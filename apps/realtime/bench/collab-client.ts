import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

/** Outer message types shared by y-websocket and Hocuspocus framing. */
const MESSAGE = { sync: 0, awareness: 1, auth: 2 } as const;
const HOCUSPOCUS_AUTH_TOKEN = 0;

export interface ClientOptions {
  url: string;
  /** Hocuspocus prefixes every message with the document name and wants an auth message first. */
  hocuspocusDoc?: string;
  /** Called for every remote update applied: the (client, clock) of its first struct. */
  onRemoteUpdate(client: number, clock: number): void;
}

/**
 * The benchmark's lightweight client: a Y.Doc and the y-protocols sync messages over `ws`, the same
 * code for every server (only Hocuspocus's framing differs). Far cheaper than a WebsocketProvider,
 * so 500 of them fit in one process.
 */
export class BenchClient {
  readonly doc = new Y.Doc();
  private ws: WebSocket;
  synced = false;

  constructor(private readonly options: ClientOptions) {
    this.ws = new WebSocket(options.url);
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('open', () => {
      if (options.hocuspocusDoc) {
        this.send((e) => {
          encoding.writeVarUint(e, MESSAGE.auth);
          encoding.writeVarUint(e, HOCUSPOCUS_AUTH_TOKEN);
          encoding.writeVarString(e, '');
        });
      }
      this.send((e) => {
        encoding.writeVarUint(e, MESSAGE.sync);
        syncProtocol.writeSyncStep1(e, this.doc);
      });
    });
    this.ws.on('message', (data: Buffer) => this.onMessage(data));
    this.ws.on('error', () => {});
  }

  private send(write: (e: encoding.Encoder) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const e = encoding.createEncoder();
    if (this.options.hocuspocusDoc) encoding.writeVarString(e, this.options.hocuspocusDoc);
    write(e);
    this.ws.send(encoding.toUint8Array(e));
  }

  private onMessage(data: Buffer): void {
    const d = decoding.createDecoder(data);
    if (this.options.hocuspocusDoc) decoding.readVarString(d);
    if (decoding.readVarUint(d) !== MESSAGE.sync) return;
    const sub = decoding.readVarUint(d);
    if (sub === syncProtocol.messageYjsSyncStep1) {
      const sv = decoding.readVarUint8Array(d);
      this.send((e) => {
        encoding.writeVarUint(e, MESSAGE.sync);
        syncProtocol.writeSyncStep2(e, this.doc, sv);
      });
      return;
    }
    const update = decoding.readVarUint8Array(d);
    Y.applyUpdate(this.doc, update, this);
    if (sub === syncProtocol.messageYjsSyncStep2) {
      this.synced = true;
      return;
    }
    const id = firstStruct(update);
    // Some servers echo an update to its sender too; that is not a remote apply.
    if (id && id.client !== this.doc.clientID) this.options.onRemoteUpdate(id.client, id.clock);
  }

  /** Types one character at a random place; returns the (client, clock) it created. */
  type(): { client: number; clock: number } {
    const text = this.doc.getText('script');
    const clock = Y.getState(this.doc.store, this.doc.clientID);
    // Listening for the document's updates only around our own keystroke: while a Y.Doc has an
    // 'update' listener, Yjs encodes every transaction's update for it, and a listener kept for the
    // client's lifetime made every remote apply pay that encoding for nothing (driver profile:
    // ~5 % of its time plus the garbage). Applies the same to every server.
    this.doc.once('update', (update: Uint8Array) =>
      this.send((e) => {
        encoding.writeVarUint(e, MESSAGE.sync);
        syncProtocol.writeUpdate(e, update);
      }),
    );
    text.insert(
      Math.floor(Math.random() * (text.length + 1)),
      String.fromCharCode(97 + Math.floor(Math.random() * 26)),
    );
    return { client: this.doc.clientID, clock };
  }

  close(): void {
    this.ws.terminate();
    this.doc.destroy();
  }
}

/** (client, clock) of the first struct in a v1 update, read from its header without decoding it. */
export function firstStruct(update: Uint8Array): { client: number; clock: number } | null {
  try {
    const d = decoding.createDecoder(update);
    if (decoding.readVarUint(d) === 0) return null;
    decoding.readVarUint(d); // structs of this client
    const client = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    return { client, clock };
  } catch {
    return null;
  }
}
