import {
  PROJECT_EVENT_TYPES,
  type ProjectEvent,
  type ProjectEventHandlers,
  projectEventSchema,
} from '@clapboard/shared/events';
import type { QueryKey } from '@tanstack/react-query';

/** The minimum of a Socket.IO client this needs (the real `ProjectSocket`, or a test's). */
export interface EventSource {
  on(name: string, listener: (raw: unknown) => void): unknown;
  off(name: string, listener: (raw: unknown) => void): unknown;
}

/** A socket whose events can be followed across reconnects: the shape of `ProjectSocket` used. */
export type LiveSocket = EventSource & { readonly connected: boolean };

/**
 * Listens to `handlers` (event name → listener) on `socket`, and calls `onReconnect` on every
 * connect after the first (a reconnect: events sent while away are lost, so the caller reads
 * again). Returns the function that stops all of it.
 */
export function followEvents(
  socket: LiveSocket,
  handlers: Record<string, (raw: unknown) => void>,
  onReconnect: () => void,
): () => void {
  // Already connected when attached: the next connect is a reconnect.
  let connects = socket.connected ? 1 : 0;
  const all: Array<[string, (raw: unknown) => void]> = [
    ...Object.entries(handlers),
    [
      'connect',
      () => {
        if (connects++ > 0) onReconnect();
      },
    ],
  ];
  for (const [name, listener] of all) socket.on(name, listener);
  return () => {
    for (const [name, listener] of all) socket.off(name, listener);
  };
}

/**
 * Listens to every project event on `socket`, parsing each with the shared schema: a message that
 * does not parse, or whose `type` is not the event it came as, is dropped with a console warning
 * instead of reaching the UI as an unknown shape. Returns the function that stops listening.
 */
export function listenToProjectEvents(
  socket: EventSource,
  onEvent: (event: ProjectEvent) => void,
): () => void {
  const listeners = PROJECT_EVENT_TYPES.map((name) => {
    const listener = (raw: unknown) => {
      const parsed = projectEventSchema.safeParse(raw);
      if (!parsed.success || parsed.data.type !== name) {
        console.warn(`Ignored a malformed "${name}" event`, parsed.error?.issues ?? raw);
        return;
      }
      onEvent(parsed.data);
    };
    socket.on(name, listener);
    return [name, listener] as const;
  });
  return () => {
    for (const [name, listener] of listeners) socket.off(name, listener);
  };
}

type StaleQueries = {
  [T in keyof ProjectEventHandlers]: (event: Parameters<ProjectEventHandlers[T]>[0]) => QueryKey[];
};

/**
 * What each project event makes stale in the client cache: one entry per event type, so a new
 * event type does not compile until it says what it changes.
 */
const STALE_QUERIES: StaleQueries = {
  'comment:created': (e) => [
    ['comments', e.projectId],
    ['review', e.projectId],
  ],
  'comment:updated': (e) => [
    ['comments', e.projectId],
    ['review', e.projectId],
  ],
  'comment:deleted': (e) => [
    ['comments', e.projectId],
    ['review', e.projectId],
  ],
  'approval:changed': (e) => [['review', e.projectId]],
  'budget:warning': (e) => [['budget', e.projectId]],
  // The job's record is unchanged (its actual cost was already final); the alert lives in spend views.
  'cost:variance': (e) => [['jobs', e.projectId]],
  'lesson:created': (e) => [['lessons', e.projectId]],
  'lesson:updated': (e) => [['lessons', e.projectId]],
  'lesson:deleted': (e) => [['lessons', e.projectId]],
  'lecture:created': (e) => [['lectures', e.projectId]],
  'lecture:updated': (e) => [['lectures', e.projectId]],
  'lecture:deleted': (e) => [['lectures', e.projectId]],
  // The project's variant list, and that variant's own queries (its comments).
  'variant:changed': (e) => [
    ['variants', e.projectId, 'list'],
    ['variants', e.projectId, e.payload.variantId],
  ],
  'consent:changed': (e) => [['consents', e.projectId]],
  // An upload became an asset, or did not (the uploader's own page also waits for it: wait-for-asset).
  'upload:settled': (e) => [['assets', e.projectId]],
  // A lecture names its newest analysis job, so a new job may change the lecture list too.
  'job:created': (e) => [
    ['jobs', e.projectId],
    ['lectures', e.projectId],
  ],
  'job:updated': (e) => [['jobs', e.projectId]],
  // A drawing in progress is shown live by the review views; nothing cached changes.
  'drawing:live': () => [],
};

/** The cached queries `event` makes stale. */
export function staleQueries(event: ProjectEvent): QueryKey[] {
  return (STALE_QUERIES[event.type] as (e: ProjectEvent) => QueryKey[])(event);
}
