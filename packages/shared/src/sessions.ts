import { z } from 'zod';
import { safeText } from './text';

/** Why sessions were ended; logged by every service that acts on a revocation. */
export const REVOCATION_REASONS = [
  'logout',
  'logout_all',
  'password_changed',
  'password_reset',
  'account_deleted',
  'refresh_reuse',
] as const;

/**
 * Published by the API on the revocation channel when sign-in sessions end. Realtime closes the
 * listed sessions' sockets (or every socket of the user when `allSessions`), within a second.
 */
export const sessionRevocationSchema = z.object({
  userId: safeText().uuid(),
  /** Sessions (refresh-token families) that ended. */
  sessionIds: z.array(safeText().uuid()).max(10_000),
  /** Every session of the user ended (sign out everywhere, deletion): sockets without a session id go too. */
  allSessions: z.boolean(),
  reason: z.enum(REVOCATION_REASONS),
});
export type SessionRevocation = z.infer<typeof sessionRevocationSchema>;
