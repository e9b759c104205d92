import type { Queryable, Sql } from '@clapboard/server/db';
import type { Redis } from '@clapboard/server/redis';
import { publishRevocation } from '@clapboard/server/sessions';
import type { SessionRevocation } from '@clapboard/shared/sessions';
import { ACCESS_TOKEN_TTL_SEC } from './access-token';

export interface EndSessionsDeps {
  sql: Sql;
  redis: Redis;
  redisPrefix?: string;
}

export interface EndSessionsOptions {
  reason: SessionRevocation['reason'];
  /** End only these sessions (refresh families); default every session of the user. */
  only?: string[];
  /** Keep this session (a password change keeps the device that made it). */
  except?: string;
  /** The user's every session ends (default: when neither `only` nor `except` is given). */
  allSessions?: boolean;
}

/**
 * The user's sessions whose access tokens may still be unexpired: live refresh families, and those
 * revoked within the last access-token lifetime.
 */
export async function sessionsOf(sql: Queryable, userId: string): Promise<string[]> {
  const rows = await sql<{ family_id: string }[]>`
    select distinct family_id from refresh_tokens
    where user_id = ${userId}
      and (revoked_at is null or revoked_at > now() - make_interval(secs => ${ACCESS_TOKEN_TTL_SEC}))`;
  return rows.map((r) => r.family_id);
}

/**
 * Ends sign-in sessions at once: revokes their refresh tokens in Postgres, deny-lists their access
 * tokens in Redis for the access-token lifetime (every API instance checks it on every request) and
 * publishes the revocation so realtime closes their sockets. Sessions whose refresh family was
 * revoked within the last access-token lifetime are listed again, since their last access token may
 * still be unexpired (`sessionsOf`). Returns the session ids ended.
 */
export async function endSessions(
  deps: EndSessionsDeps,
  userId: string,
  options: EndSessionsOptions,
): Promise<string[]> {
  const families = options.only ?? (await sessionsOf(deps.sql, userId));
  const ended = families.filter((f) => f !== options.except);
  if (ended.length > 0)
    await deps.sql`
      update refresh_tokens set revoked_at = now()
      where user_id = ${userId} and family_id in ${deps.sql(ended)} and revoked_at is null`;
  await publishRevocation(
    deps.redis,
    deps.redisPrefix ?? 'clapboard',
    {
      userId,
      sessionIds: ended,
      allSessions: options.allSessions ?? (!options.only && !options.except),
      reason: options.reason,
    },
    ACCESS_TOKEN_TTL_SEC,
  );
  return ended;
}
