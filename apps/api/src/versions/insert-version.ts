import type { Sql } from '@clapboard/server/db';
import type { Version } from '@clapboard/shared/versions';

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
