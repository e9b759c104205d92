/**
 * Base URL of the realtime server (Yjs WebSocket and Socket.IO), without a trailing slash.
 *
 * The API cannot be assumed to proxy WebSockets, so the realtime server is addressed directly.
 * Order: a `<meta name="clapboard-realtime" content="…">` tag (set by whoever serves index.html),
 * then the same host on port 8788 (the default REALTIME_PORT).
 *
 * @param scheme `ws` for the Yjs endpoint, `http` for Socket.IO (which upgrades itself)
 */
export function realtimeUrl(scheme: 'ws' | 'http'): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="clapboard-realtime"]')?.content?.trim();
  const secure = window.location.protocol === 'https:';
  const base = meta ? new URL(meta, window.location.href) : null;
  const host = base ? base.host : `${window.location.hostname}:8788`;
  const isSecure = base ? base.protocol === 'https:' || base.protocol === 'wss:' : secure;
  const proto = scheme === 'ws' ? (isSecure ? 'wss:' : 'ws:') : isSecure ? 'https:' : 'http:';
  return `${proto}//${host}`;
}
