import type { Sql } from '@clapboard/server/db';
import { budgetFigures } from '@clapboard/server/jobs';
import { budgetResponseSchema, updateBudgetBodySchema } from '@clapboard/shared/api';
import { errorBodySchema } from '@clapboard/shared/errors';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { authorizeProject } from '../auth/authorize-project';
import { type RequireUserDeps, requireUser } from '../auth/require-user';
import { unprocessable } from '../errors/http-error';

const params = z.object({ id: z.string().uuid() });
const errors = {
  401: { description: 'Not signed in', content: { 'application/json': { schema: errorBodySchema } } },
  403: {
    description: 'Only owners can change the budget',
    content: { 'application/json': { schema: errorBodySchema } },
  },
  404: {
    description: 'Not found (or not visible to you)',
    content: { 'application/json': { schema: errorBodySchema } },
  },
} as const;

async function read(sql: Sql, projectId: string) {
  const f = await budgetFigures(sql, projectId);
  return {
    softLimitUsd: f.softLimitUsd,
    hardLimitUsd: f.hardLimitUsd,
    spentUsd: f.spentUsd,
    reservedUsd: f.reservedUsd,
    remainingUsd: f.remainingUsd,
  };
}

/** Project budget: soft (warns) and hard (refuses with 402) limits, with spend so far. */
export function budgetRoutes(deps: RequireUserDeps & { sql: Sql }) {
  const app = new OpenAPIHono<AppEnv>();
  app.use('/api/v1/projects/:id/budget', requireUser(deps));
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/projects/{id}/budget',
      tags: ['budget'],
      summary: 'Budget limits and spend so far',
      security: [{ bearerAuth: [] }],
      request: { params },
      responses: {
        200: { description: 'Budget', content: { 'application/json': { schema: budgetResponseSchema } } },
        ...errors,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await authorizeProject(deps.sql, id, c.var.userId!, 'budget:read');
      return c.json(await read(deps.sql, id), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/projects/{id}/budget',
      tags: ['budget'],
      summary: 'Set the soft and hard limits (owners only); null removes a limit',
      security: [{ bearerAuth: [] }],
      request: {
        params,
        body: { content: { 'application/json': { schema: updateBudgetBodySchema } }, required: true },
      },
      responses: {
        200: { description: 'Budget', content: { 'application/json': { schema: budgetResponseSchema } } },
        422: {
          description: 'Soft limit above hard limit',
          content: { 'application/json': { schema: errorBodySchema } },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await authorizeProject(deps.sql, id, c.var.userId!, 'budget:manage');
      const current = await read(deps.sql, id);
      const soft = body.softLimitUsd === undefined ? current.softLimitUsd : body.softLimitUsd;
      const hard = body.hardLimitUsd === undefined ? current.hardLimitUsd : body.hardLimitUsd;
      if (soft !== null && hard !== null && soft > hard)
        throw unprocessable('The soft limit must not be above the hard limit.');
      await deps.sql`
        insert into budgets (project_id, soft_limit_usd, hard_limit_usd, updated_by, updated_at)
        values (${id}, ${soft}, ${hard}, ${c.var.userId!}, now())
        on conflict (project_id) do update set soft_limit_usd = excluded.soft_limit_usd, hard_limit_usd = excluded.hard_limit_usd,
          updated_by = excluded.updated_by, updated_at = now()`;
      await deps.sql`insert into audit_log (project_id, actor_id, action, target_type, target_id, details)
        values (${id}, ${c.var.userId!}, 'budget.update', 'project', ${id}, ${deps.sql.json({ softLimitUsd: soft, hardLimitUsd: hard })})`;
      return c.json(await read(deps.sql, id), 200);
    },
  );
  return app;
}
