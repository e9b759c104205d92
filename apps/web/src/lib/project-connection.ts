import { CLOSE_CODES } from '@clapboard/shared/protocol';
import type { Role } from '@clapboard/shared/roles';
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { ApiError } from './api-client';
import { fetchTicket } from './realtime-ticket';
import { realtimeUrl } from './realtime-url';

/** What the connection indicator shows. */
export type ConnectionStatus = 'connecting' | 'connected' | 'offline' | 'reconnecting' | 'refused';

export interface ProjectConnectionState {
  status: ConnectionStatus;
  /** The role the last ticket carried; null until the first ticket arrives. */
  role: Role | null;
  /** The server's copy has been merged in at least once since the last connect. */
  synced: boolean;
  /** Local edits are loaded from / saved to this browser (IndexedDB). */
  storedLocally: boolean;
  /** Why the server refused us, when status is `refused`. */
  reason: string | null;
}

export interface ProjectConnection {
  doc: Y.Doc;
  provider: WebsocketProvider;
  getState(): ProjectConnectionState;
  subscribe(fn: () => void): () => void;
  /** Stops everything; the IndexedDB copy stays for the next visit. */
  destroy(): void;
}

/** Close codes after which a new ticket cannot help (anything else: fetch one and reconnect). */
const TERMINAL: ReadonlySet<number> = new Set([
  CLOSE_CODES.unauthorized,
  CLOSE_CODES.forbidden,
  CLOSE_CODES.notFound,
]);

/**
 * Opens the project's Y.Doc: loads the browser's IndexedDB copy first (so offline edits survive a
 * reload), then connects the official y-websocket provider with a fresh ticket.
 *
 * Tickets live 60 s, so every (re)connect asks the API for a new one: on `connection-close` the
 * provider's own timer is cancelled (shouldConnect = false), a ticket is fetched, `params` set, and
 * `connect()` called. Going offline closes the socket at once (the browser may keep a dead one open
 * for tens of seconds); coming back online reconnects and Yjs merges both sides.
 *
 * @param storageKey IndexedDB database name; include the user id so two accounts on one browser
 *   never share unsynced edits
 */
export function openProjectConnection(projectId: string, storageKey: string): ProjectConnection {
  const doc = new Y.Doc();
  const idb = new IndexeddbPersistence(storageKey, doc);
  const provider = new WebsocketProvider(`${realtimeUrl('ws')}/yjs`, projectId, doc, { connect: false });
  const listeners = new Set<() => void>();
  let state: ProjectConnectionState = {
    status: navigator.onLine ? 'connecting' : 'offline',
    role: null,
    synced: false,
    storedLocally: false,
    reason: null,
  };
  const set = (patch: Partial<ProjectConnectionState>) => {
    state = { ...state, ...patch };
    for (const fn of listeners) fn();
  };
  let destroyed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = async () => {
    if (destroyed || !navigator.onLine || provider.wsconnected || provider.ws) return;
    try {
      const ticket = await fetchTicket(projectId);
      if (destroyed || !navigator.onLine) return;
      provider.params = { ticket: ticket.ticket };
      set({ role: ticket.role });
      provider.connect();
    } catch (err) {
      if (destroyed) return;
      if (err instanceof ApiError && (err.status === 403 || err.status === 404 || err.status === 401)) {
        set({ status: 'refused', reason: err.message });
        return;
      }
      retryLater();
    }
  };
  const retryLater = () => {
    clearTimeout(timer);
    // Exponential backoff to 10 s, so a restarting server is not hammered by every open tab.
    const delay = Math.min(10_000, 250 * 2 ** attempt++);
    set({ status: navigator.onLine ? 'reconnecting' : 'offline' });
    timer = setTimeout(() => void connect(), delay);
  };

  provider.on('status', ({ status }) => {
    if (status === 'connected') attempt = 0;
    if (status === 'connected') set({ status: 'connected', reason: null });
  });
  provider.on('sync', (synced: boolean) => set({ synced }));
  provider.on('connection-close', (event) => {
    // Cancel the provider's own reconnect: it would reuse the old (maybe expired) ticket.
    provider.shouldConnect = false;
    set({ synced: false });
    if (destroyed) return;
    if (event && TERMINAL.has(event.code)) {
      set({ status: 'refused', reason: event.reason || 'The server refused the connection.' });
      return;
    }
    if (!navigator.onLine) return set({ status: 'offline' });
    retryLater();
  });
  idb.on('synced', () => set({ storedLocally: true }));

  const goOffline = () => {
    clearTimeout(timer);
    provider.disconnect();
    set({ status: 'offline', synced: false });
  };
  const goOnline = () => {
    attempt = 0;
    set({ status: 'connecting' });
    void connect();
  };
  window.addEventListener('offline', goOffline);
  window.addEventListener('online', goOnline);
  // Wait for the local copy before the first sync, so the server receives offline edits as one
  // merged state rather than the page showing an empty editor first.
  void idb.whenSynced.then(() => connect());

  return {
    doc,
    provider,
    getState: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      window.removeEventListener('offline', goOffline);
      window.removeEventListener('online', goOnline);
      provider.awareness.setLocalState(null);
      provider.destroy();
      void idb.destroy();
      doc.destroy();
      listeners.clear();
    },
  };
}
