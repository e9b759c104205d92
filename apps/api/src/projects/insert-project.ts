import type { Queryable } from '@clapboard/server/db';
import type { CreateProjectBody } from '@clapboard/shared/api';
import { writeAudit } from '../audit/write-audit';

/**
 * Creates a project with `userId` as its owner and audits it (`project.create`). Run it in the
 * transaction that writes anything else the new project starts with.
 *
 * @returns the new project's id
 */
export async function insertProject(
  tx: Queryable,
  o: {
    name: string;
    settings?: CreateProjectBody['settings'];
    userId: string;
    ip: string | null;
    details?: Record<string, unknown>;
  },
): Promise<string> {
  const [p] = await tx<{ id: string }[]>`
    insert into projects (name, settings, created_by)
    values (${o.name}, ${tx.json((o.settings ?? {}) as never)}, ${o.userId}) returning id`;
  await tx`insert into project_members (project_id, user_id, role) values (${p!.id}, ${o.userId}, 'owner')`;
  await writeAudit(tx, {
    projectId: p!.id,
    actorId: o.userId,
    action: 'project.create',
    targetType: 'project',
    targetId: p!.id,
    details: { name: o.name, ...o.details },
    ip: o.ip,
  });
  return p!.id;
}
