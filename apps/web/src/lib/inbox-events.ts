type Listener = () => void;
const listeners = new Set<Listener>();

/**
 * The header inbox lives outside any project, but `notification:new` arrives on whichever project
 * socket is open (each socket joins its user's room). Sockets forward here; the inbox subscribes.
 */
export function onNotification(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Called by project sockets when `notification:new` arrives. */
export function notifyInbox(): void {
  for (const fn of listeners) fn();
}
