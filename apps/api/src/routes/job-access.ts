import type { Sql } from '@clapboard/server/db';
import type { JobRow } from '@clapboard/server/jobs';
import type { Permission } from '@clapboard/shared/permissions';
import { authorizeProject } from '../auth/authorize-project';
import { notFound } from '../errors/http-error';

/**
 * Loads a job and checks `permission` on its project. A job in a project the caller cannot see
 * is a 404, exactly like a job that does not exist.
 */
export async function authorizeJob(
  sql: Sql,
  jobId: string,
  userId: string,
  permission: Permission,
): Promise<JobRow> {
  const [row] = await sql<JobRow[]>`select * from jobs where id = ${jobId}`;
  if (!row) throw notFound('Job');
  try {
    await authorizeProject(sql, row.project_id, userId, permission);
  } catch (err) {
    if ((err as { status?: number }).status === 404) throw notFound('Job');
    throw err;
  }
  return row;
}
