import { type SessionRevocation, sessionRevocationSchema } from '@clapboard/shared/sessions';
import type { Logger } from './logger';
import type { Redis } from './redis';

/** Redis names of the session deny-list, from REDIS_PREFIX. */
export function revocationNames(prefix: string) {
  return {
    /** Present while a revoked session's access tokens could still be unexpired. */
    key: (sessionId: string) => `${prefix}:revoked:${sessionId}`,
    /** Pub/sub channel realtime listens on to close sockets of revoked sessions. */
    channel: `${prefix}:revocations`,
  };
}

/**
 * Deny-lists `revocation.sessionIds` for `ttlSec` (the access-token lifetime: after it every token
 * of those sessions has expired anyway) and publishes the revocation so realtime closes sockets.
 * The keys are written before the publish, so a socket that reconnects after the close is refused.
 */
export async function publishRevocation(
  redis: Redis,
  prefix: string,
  revocation: SessionRevocation,
  ttlSec: number,
): Promise<void> {
  const names = revocationNames(prefix);
  const multi = redis.multi();
  for (const id of revocation.sessionIds) multi.set(names.key(id), revocation.reason, 'EX', ttlSec);
  multi.publish(names.channel, JSON.stringify(sessionRevocationSchema.parse(revocation)));
  await multi.exec();
}

/** True while `sessionId` is on the deny-list. One Redis round trip (EXISTS). */
export async function isSessionRevoked(redis: Redis, prefix: string, sessionId: string): Promise<boolean> {
  return (await redis.exists(revocationNames(prefix).key(sessionId))) === 1;
}

/**
 * Calls `onRevoked` for every revocation published under `prefix`, on a connection of its own
 * (a subscribed ioredis client cannot run other commands). Malformed messages are logged and dropped.
 * Resolves once subscribed; `close()` unsubscribes and disconnects.
 */
export async function subscribeRevocations(
  redis: Redis,
  prefix: string,
  log: Logger,
  onRevoked: (revocation: SessionRevocation) => void,
): Promise<{ close(): void }> {
  const sub = redis.duplicate();
  const { channel } = revocationNames(prefix);
  sub.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    let data: unknown;
    try {
      data = JSON.parse(message);
    } catch {
      data = undefined;
    }
    const parsed = sessionRevocationSchema.safeParse(data);
    if (!parsed.success) {
      log.warn({ channel }, 'dropped a malformed session revocation');
      return;
    }
    onRevoked(parsed.data);
  });
  await sub.subscribe(channel);
  return { close: () => sub.disconnect() };
}

/** True when `revocation` ends a connection opened by `userId` under `sessionId`. */
export function revocationCovers(
  revocation: SessionRevocation,
  userId: string,
  sessionId: string | undefined,
): boolean {
  if (revocation.userId !== userId) return false;
  if (revocation.allSessions) return true;
  return sessionId !== undefined && revocation.sessionIds.includes(sessionId);
}
