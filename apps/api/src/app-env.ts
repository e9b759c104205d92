import type { Logger } from '@clapboard/server/logger';

/** Per-request variables set by middleware (Hono `c.var`). */
export interface AppVariables {
  requestId: string;
  log: Logger;
  /** Set by the auth middleware on authenticated routes. */
  userId?: string;
  /** The access token's session (refresh family), when it carries one. */
  sessionId?: string;
}

export type AppEnv = { Variables: AppVariables };
