import { revocationCovers } from '@clapboard/server/sessions';
import type { SessionRevocation } from '@clapboard/shared/sessions';
import type { RealtimeIo } from './create-socket-server';

/**
 * Disconnects this instance's Socket.IO sockets whose ticket belongs to a session `revocation`
 * ended (every instance receives the revocation and handles its own sockets). Returns how many.
 */
export function disconnectRevoked(io: RealtimeIo, revocation: SessionRevocation): number {
  let closed = 0;
  for (const socket of io.of('/').sockets.values()) {
    const claims = socket.data.claims;
    if (claims && revocationCovers(revocation, claims.userId, claims.sessionId)) {
      socket.disconnect(true);
      closed++;
    }
  }
  return closed;
}
