import type { Sql } from '@clapboard/server/db';
import { emitProjectEvent } from '@clapboard/server/jobs';
import { API_PREFIX, projectParamsSchema } from '@clapboard/shared/api';
import {
  CONSENT_ASSET_KINDS,
  CONSENT_STATEMENT_ASSET_KINDS,
  type Consent,
  consentPageSchema,
  consentSchema,
  createConsentBodySchema,
  listConsentsQuerySchema,
} from '@clapboard/shared/lessons';
import type { Permission } from '@clapboard/shared/permissions';
import { createRoute, z } from '@hono/zod-openapi';
import { writeAudit } from '../audit/write-audit';
import { authorizeProject } from '../auth/authorize-project';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import { conflict, HttpError, notFound, unprocessable } from '../errors/http-error';
import { type ConsentRow, consentColumns, toConsent } from '../lessons/consent-view';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';
import type { LessonRouteDeps } from './lessons';

const consentParams = z.object({ consentId: z.string().uuid() });
const consentJson = { 'application/json': { schema: consentSchema } };
const projectConsents = `${API_PREFIX}/projects/{id}/consents`;
const oneConsent = `${API_PREFIX}/consents/{consentId}`;

async function findConsent(sql: Sql, consentId: string): Promise<ConsentRow | undefined> {
  const [row] = await sql<
    ConsentRow[]
  >`select ${consentColumns(sql)} from consents k where k.id = ${consentId}`;
  return row;
}

/** The consent and the caller's check on its project; a consent of another project is a 404. */
async function authorizeConsent(sql: Sql, consentId: string, userId: string, permission: Permission) {
  const row = await findConsent(sql, consentId);
  if (!row) throw notFound('Consent');
  try {
    await authorizeProject(sql, row.project_id, userId, permission);
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) throw notFound('Consent');
    throw err;
  }
  return row;
}

/** The kind of a live asset of the project, or null when it is not one. */
async function liveAssetKind(sql: Sql, projectId: string, assetId: string): Promise<string | null> {
  const [row] = await sql<{ kind: string }[]>`
    select kind from assets where id = ${assetId} and project_id = ${projectId} and deleted_at is null`;
  return row?.kind ?? null;
}

/**
 * Consents for a likeness: who consented to their portrait or voice being used, to what (scope),
 * with their statement typed or uploaded (a signed PDF or a photo of it). Records carry
 * authority, so they live here and not in the document; a revoked consent stays as history
 * (`revoked_at`, `revoked_by`) and blocks new renders that name it. Recording and revoking are
 * audited and broadcast as `consent:changed` on `project:<id>`.
 */
export function consentRoutes(deps: LessonRouteDeps) {
  const { sql } = deps;
  const auth = requireUser(deps);
  const ipOf = (c: Parameters<typeof clientIp>[0]) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);
  const emit = (consent: Consent, change: 'recorded' | 'revoked') =>
    deps.emitter &&
    emitProjectEvent(deps.emitter, {
      projectId: consent.projectId,
      type: 'consent:changed',
      payload: { consent, change },
      at: new Date().toISOString(),
    });

  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: projectConsents,
        tags: ['lessons'],
        summary:
          'Record a consent for a portrait (an image asset) or a voice sample (an audio asset) of the project',
        description:
          'The statement is typed (`statementText`) or uploaded first as an asset (`statementAssetId`: a PDF ' +
          'or an image of this project), one of the two. 422 names the field when an asset is not a live asset ' +
          'of this project of the right kind.',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: {
          params: projectParamsSchema,
          body: { required: true, content: { 'application/json': { schema: createConsentBodySchema } } },
        },
        responses: {
          201: { description: 'Recorded', content: consentJson },
          ...errorsFor(400, 401, 403, 404, 422),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const body = c.req.valid('json');
        const userId = currentUserId(c);
        await authorizeProject(sql, id, userId, 'consents:write');
        const wanted = CONSENT_ASSET_KINDS[body.kind];
        const kind = await liveAssetKind(sql, id, body.assetId);
        if (!kind)
          throw unprocessable('assetId does not name an asset of this project.', { field: 'assetId' });
        if (kind !== wanted)
          throw unprocessable(`A ${body.kind} consent covers an ${wanted} asset; this one is ${kind}.`, {
            field: 'assetId',
            expected: wanted,
            actual: kind,
          });
        if (body.statementAssetId) {
          const statementKind = await liveAssetKind(sql, id, body.statementAssetId);
          if (!statementKind)
            throw unprocessable('statementAssetId does not name an asset of this project.', {
              field: 'statementAssetId',
            });
          if (!(CONSENT_STATEMENT_ASSET_KINDS as readonly string[]).includes(statementKind))
            throw unprocessable(
              `An uploaded statement is a PDF or an image; this asset is ${statementKind}.`,
              {
                field: 'statementAssetId',
                expected: CONSENT_STATEMENT_ASSET_KINDS,
                actual: statementKind,
              },
            );
        }
        const row = await sql.begin(async (tx) => {
          const [inserted] = await tx<{ id: string }[]>`
            insert into consents (project_id, kind, subject_name, asset_id, scope, statement_text,
                                  statement_asset_id, recorded_by)
            values (${id}, ${body.kind}, ${body.subjectName}, ${body.assetId}, ${body.scope},
                    ${body.statementText ?? null}, ${body.statementAssetId ?? null}, ${userId})
            returning id`;
          await writeAudit(tx, {
            projectId: id,
            actorId: userId,
            action: 'consent.record',
            targetType: 'consent',
            targetId: inserted!.id,
            details: {
              kind: body.kind,
              subjectName: body.subjectName,
              assetId: body.assetId,
              scope: body.scope,
              statement: body.statementText ? 'typed' : 'uploaded',
            },
            ip: ipOf(c),
          });
          const [r] = await tx<ConsentRow[]>`
            select ${consentColumns(sql)} from consents k where k.id = ${inserted!.id}`;
          return r!;
        });
        const consent = toConsent(row);
        emit(consent, 'recorded');
        return c.json(consent, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: projectConsents,
        tags: ['lessons'],
        summary: "A project's consents, newest first, revoked ones included (filter by asset, kind, live)",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: projectParamsSchema, query: listConsentsQuerySchema },
        responses: {
          200: {
            description: 'A page of consents',
            content: { 'application/json': { schema: consentPageSchema } },
          },
          ...errorsFor(400, 401, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const q = c.req.valid('query');
        await authorizeProject(sql, id, currentUserId(c), 'consents:read');
        const after = decodeCursor(q.cursor);
        const rows = await sql<ConsentRow[]>`
          select ${consentColumns(sql)} from consents k
          where k.project_id = ${id}
            ${q.assetId ? sql`and k.asset_id = ${q.assetId}` : sql``}
            ${q.kind ? sql`and k.kind = ${q.kind}` : sql``}
            ${q.live === 'true' ? sql`and k.revoked_at is null` : sql``}
            ${after ? sql`and (k.created_at, k.id) < (${after.createdAt}::text::timestamptz, ${after.id}::uuid)` : sql``}
          order by k.created_at desc, k.id desc
          limit ${q.limit + 1}`;
        const items = rows.slice(0, q.limit);
        const last = items.at(-1);
        const nextCursor =
          rows.length > q.limit && last ? encodeCursor({ createdAt: last.cursor_ts, id: last.id }) : null;
        return c.json({ items: items.map(toConsent), nextCursor }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: oneConsent,
        tags: ['lessons'],
        summary: 'One consent record',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: consentParams },
        responses: { 200: { description: 'The consent', content: consentJson }, ...errorsFor(400, 401, 404) },
      }),
      async (c) => {
        const row = await authorizeConsent(
          sql,
          c.req.valid('param').consentId,
          currentUserId(c),
          'consents:read',
        );
        return c.json(toConsent(row), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: oneConsent,
        tags: ['lessons'],
        summary:
          'Revoke a consent (owners, editors): new renders that name it are refused; the record stays as history',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: consentParams },
        responses: {
          200: { description: 'Revoked', content: consentJson },
          ...errorsFor(400, 401, 403, 404, 409),
        },
      }),
      async (c) => {
        const { consentId } = c.req.valid('param');
        const userId = currentUserId(c);
        const before = await authorizeConsent(sql, consentId, userId, 'consents:write');
        const row = await sql.begin(async (tx) => {
          const [r] = await tx`
            update consents set revoked_at = now(), revoked_by = ${userId}
            where id = ${consentId} and revoked_at is null returning id`;
          if (!r) return null;
          await writeAudit(tx, {
            projectId: before.project_id,
            actorId: userId,
            action: 'consent.revoke',
            targetType: 'consent',
            targetId: consentId,
            details: { kind: before.kind, subjectName: before.subject_name, assetId: before.asset_id },
            ip: ipOf(c),
          });
          const [after] = await tx<ConsentRow[]>`
            select ${consentColumns(sql)} from consents k where k.id = ${consentId}`;
          return after!;
        });
        if (!row) throw conflict(`This consent was already revoked (${before.revoked_at}).`);
        const consent = toConsent(row);
        emit(consent, 'revoked');
        return c.json(consent, 200);
      },
    );
}
