import type { Sql } from '@clapboard/server/db';
import type { Version } from '@clapboard/shared/versions';
import { notFound } from '../errors/http-error';

/** A `doc_versions` row as the version routes select it (without the state). */
export interface VersionRow {
  id: string;
  project_id: string;
  name: string;
  source: Version['source'];
  byte_size: number;
  created_by: string | null;
  created_at: Date;
}

export const toVersion = (r: VersionRow): Version => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  source: r.source,
  byteSize: r.byte_size,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
});

/** One version of a project with its encoded state; 404 when it is not this project's. */
export async function findVersion(sql: Sql, projectId: string, versionId: string) {
  const [row] = await sql<(VersionRow & { state: Buffer })[]>`
    select id, project_id, name, source, octet_length(state) as byte_size, created_by, created_at, state
    from doc_versions where id = ${versionId} and project_id = ${projectId}`;
  if (!row) throw notFound('Version');
  return { version: toVersion(row), state: new Uint8Array(row.state) };
}

/**
 * Saves an encoded document state as a named version (name cut to 200 characters): `manual` by a
 * user, `restore` just before a restore, `import` just before a script import, so either can be
 * undone by restoring it.
 */
export async function insertVersion(
  sql: Sql,
  projectId: string,
  name: string,
  state: Uint8Array,
  source: Version['source'],
  userId: string,
): Promise<Version> {
  const [row] = await sql<VersionRow[]>`
    insert into doc_versions (project_id, name, state, source, created_by)
    values (${projectId}, ${name.slice(0, 200)}, ${Buffer.from(state)}, ${source}, ${userId})
    returning id, project_id, name, source, octet_length(state) as byte_size, created_by, created_at`;
  return toVersion(row!);
}
