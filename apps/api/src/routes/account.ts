import {
  API_PREFIX,
  accountDeleteSchema,
  adminPasswordResetResponseSchema,
  adminPasswordResetSchema,
  meResponseSchema,
  passwordChangeSchema,
} from '@clapboard/shared/api';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { writeAudit } from '../audit/write-audit';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { endSessions, sessionsOf } from '../auth/end-sessions';
import { isInstanceAdmin } from '../auth/instance-admin';
import { limitStoreOf } from '../auth/limit-store';
import { DEFAULT_LOGIN_RATE_LIMIT, loginThrottle } from '../auth/login-throttle';
import { hashPassword, verifyPassword } from '../auth/password';
import {
  DEFAULT_PASSWORD_RESET_TTL_SEC,
  issuePasswordReset,
  spendPasswordResets,
} from '../auth/password-resets';
import { clearRefreshCookie } from '../auth/refresh-cookie';
import { requireUser } from '../auth/require-user';
import { conflict, forbidden, notFound, unauthorized } from '../errors/http-error';
import { toUser, type UserRow } from './auth';
import { bearerSecurity, createRouter, jsonBody, jsonResponse } from './create-router';
import { errorsFor } from './error-responses';

const mePath = `${API_PREFIX}/me`;
const me = createRoute({
  method: 'get',
  path: mePath,
  tags: ['account'],
  summary: 'The signed-in user',
  security: bearerSecurity,
  responses: { 200: jsonResponse(meResponseSchema, 'The signed-in user'), ...errorsFor(401) },
});
const changePassword = createRoute({
  method: 'post',
  path: `${mePath}/password`,
  tags: ['account'],
  summary: 'Change my password (needs the current one); ends every other session at once',
  security: bearerSecurity,
  request: jsonBody(passwordChangeSchema),
  responses: { 204: { description: 'Changed' }, ...errorsFor(400, 401, 403, 429) },
});
const deleteAccount = createRoute({
  method: 'delete',
  path: mePath,
  tags: ['account'],
  summary:
    'Delete my account (needs the password). Refused with 409 while I am the only owner of a project with other members; projects where I am the only member are deleted with it',
  security: bearerSecurity,
  request: jsonBody(accountDeleteSchema),
  responses: { 204: { description: 'Deleted; every session ended' }, ...errorsFor(400, 401, 403, 409, 429) },
});
const adminReset = createRoute({
  method: 'post',
  path: `${API_PREFIX}/admin/password-resets`,
  tags: ['admin'],
  summary:
    "Issue a one-time reset link for a user's account (instance admins only; for instances without SMTP)",
  security: bearerSecurity,
  request: jsonBody(adminPasswordResetSchema),
  responses: {
    201: jsonResponse(adminPasswordResetResponseSchema, 'The link to hand to the user'),
    ...errorsFor(400, 401, 403, 404),
  },
});

/**
 * The signed-in account: `GET /me`, password change, account deletion; and the admin-issued reset
 * link for instances that send no email.
 */
export function accountRoutes(deps: AppDeps) {
  const throttle = loginThrottle(limitStoreOf(deps), deps.redisPrefix ?? 'clapboard', {
    ...DEFAULT_LOGIN_RATE_LIMIT,
    ...deps.loginRateLimit,
  });
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);

  /**
   * Checks the password of the signed-in user with the sign-in throttle, so a stolen access token
   * cannot be used to guess it faster than the login form allows. 403 when wrong (401 would make
   * clients refresh and retry).
   */
  async function confirmPassword(c: Context<AppEnv>, password: string): Promise<UserRow> {
    const [row] = await deps.sql<UserRow[]>`
      select id, email, name, is_admin, password_hash from users where id = ${currentUserId(c)}`;
    if (!row) throw unauthorized();
    const keys = await throttle.check(row.email, ipOf(c));
    if (!(await verifyPassword(row.password_hash, password))) {
      await throttle.failed(keys);
      throw forbidden('Your current password is wrong.');
    }
    await throttle.succeeded(keys);
    return row;
  }

  const router = createRouter();
  router.use(mePath, requireUser(deps));
  router.use(`${mePath}/*`, requireUser(deps));
  router.use(adminReset.getRoutingPath(), requireUser(deps));

  router.openapi(me, async (c) => {
    const [row] = await deps.sql<UserRow[]>`
      select id, email, name, is_admin from users where id = ${currentUserId(c)}`;
    if (!row) throw notFound('User');
    return c.json({ user: toUser(row) }, 200);
  });

  router.openapi(changePassword, async (c) => {
    const input = c.req.valid('json');
    const user = await confirmPassword(c, input.currentPassword);
    await deps.sql`update users set password_hash = ${await hashPassword(input.newPassword)}, updated_at = now()
      where id = ${user.id}`;
    await spendPasswordResets(deps.sql, user.id);
    const ended = await endSessions(deps, user.id, { reason: 'password_changed', except: c.var.sessionId });
    await writeAudit(deps.sql, {
      projectId: null,
      actorId: user.id,
      action: 'user.password_change',
      targetType: 'user',
      targetId: user.id,
      details: { sessionsEnded: ended.length },
      ip: ipOf(c),
    });
    return c.body(null, 204);
  });

  router.openapi(deleteAccount, async (c) => {
    const input = c.req.valid('json');
    const user = await confirmPassword(c, input.password);
    // Checked and done in one transaction that holds member changes back (a share lock on
    // project_members), so nobody can join a sole-member project between the check and the delete.
    const { sessions, deletedProjects } = await deps.sql.begin(async (tx) => {
      await tx`lock table project_members in share row exclusive mode`;
      const owned = await tx<{ id: string; name: string; other_members: number; other_owners: number }[]>`
        select p.id, p.name,
          (select count(*) from project_members o where o.project_id = p.id and o.user_id <> ${user.id})::int
            as other_members,
          (select count(*) from project_members o
            where o.project_id = p.id and o.user_id <> ${user.id} and o.role = 'owner')::int as other_owners
        from projects p join project_members m on m.project_id = p.id
        where m.user_id = ${user.id} and m.role = 'owner' and p.deleted_at is null
        order by p.name`;
      // Clients too: a client whose only owner leaves would have staff and guests but no one to manage it.
      await tx`lock table client_members in share row exclusive mode`;
      const ownedClients = await tx<
        { id: string; name: string; other_members: number; other_owners: number }[]
      >`
        select k.id, k.name,
          (select count(*) from client_members o where o.client_id = k.id and o.user_id <> ${user.id})::int
            as other_members,
          (select count(*) from client_members o
            where o.client_id = k.id and o.user_id <> ${user.id} and o.role = 'owner')::int as other_owners
        from clients k join client_members m on m.client_id = k.id
        where m.user_id = ${user.id} and m.role = 'owner' and k.deleted_at is null
        order by k.name`;
      const blocking = owned.filter((p) => p.other_members > 0 && p.other_owners === 0);
      const blockingClients = ownedClients.filter((k) => k.other_members > 0 && k.other_owners === 0);
      if (blocking.length > 0 || blockingClients.length > 0)
        throw conflict(
          `You are the only owner of ${blocking.length ? 'projects' : 'clients'}${blocking.length && blockingClients.length ? ' and clients' : ''} other people work in. Make someone else an owner of each (or remove the other members), then delete your account.`,
          {
            projects: blocking.map((p) => ({ id: p.id, name: p.name, otherMembers: p.other_members })),
            clients: blockingClients.map((k) => ({ id: k.id, name: k.name, otherMembers: k.other_members })),
          },
        );
      const soleClients = ownedClients.filter((k) => k.other_members === 0).map((k) => k.id);
      if (soleClients.length > 0)
        await tx`update clients set deleted_at = now() where id in ${tx(soleClients)} and deleted_at is null`;
      // Read before the delete: the refresh-token rows that name the sessions go with the user row.
      const sessions = await sessionsOf(tx, user.id);
      const soleMember = owned.filter((p) => p.other_members === 0).map((p) => p.id);
      if (soleMember.length > 0)
        await tx`update projects set deleted_at = now(), updated_at = now()
          where id in ${tx(soleMember)} and deleted_at is null`;
      await writeAudit(tx, {
        projectId: null,
        actorId: null,
        action: 'user.delete',
        targetType: 'user',
        targetId: user.id,
        details: { deletedProjects: soleMember, deletedClients: soleClients },
        ip: ipOf(c),
      });
      await tx`delete from users where id = ${user.id}`;
      return { sessions, deletedProjects: soleMember };
    });
    await endSessions(deps, user.id, { only: sessions, allSessions: true, reason: 'account_deleted' });
    c.var.log.info({ deletedProjects: deletedProjects.length }, 'account deleted');
    clearRefreshCookie(c, deps.publicUrl);
    return c.body(null, 204);
  });

  router.openapi(adminReset, async (c) => {
    const adminId = currentUserId(c);
    if (!(await isInstanceAdmin(deps.sql, adminId)))
      throw forbidden('Only instance admins can issue password reset links.');
    const { email } = c.req.valid('json');
    const [user] = await deps.sql<{ id: string }[]>`select id from users where email = ${email}`;
    if (!user) throw notFound('User');
    const link = await issuePasswordReset(deps.sql, deps.publicUrl, user.id, {
      ttlSec: deps.passwordResetTtlSec ?? DEFAULT_PASSWORD_RESET_TTL_SEC,
      issuedBy: adminId,
    });
    await writeAudit(deps.sql, {
      projectId: null,
      actorId: adminId,
      action: 'user.password_reset_issued',
      targetType: 'user',
      targetId: user.id,
      ip: ipOf(c),
    });
    return c.json({ url: link.url, expiresAt: link.expiresAt.toISOString() }, 201);
  });
  return router;
}
