import { createHash } from 'node:crypto';
import type { Sql } from '@clapboard/server/db';
import { loadDocumentState, readStateContent } from '@clapboard/server/documents';
import { type Scene, sceneSchema } from '@clapboard/shared/document';
import { notFound } from '../errors/http-error';
import { findVersion } from '../versions/version-rows';

/** What every script deliverable is built from: one version of the document, read once. */
export interface PinnedVersion {
  project: { id: string; name: string };
  /**
   * `id` is the named version's id, or `current-` and the first 16 hex digits of the SHA-256 of the
   * snapshot's encoded state for `current` (the same content always gets the same id).
   */
  version: { id: string; name: string; pinnedAt: string };
  script: string;
  /** Storyboard scenes in order, removed ones left out; fields the schema rejects fall back to defaults. */
  scenes: Scene[];
}

function storyboardScenes(raw: Record<string, unknown>[]): Scene[] {
  const out: Scene[] = [];
  for (const r of raw) {
    if (r.removed === true) continue;
    const parsed = sceneSchema.safeParse(r);
    if (parsed.success) out.push(parsed.data);
    else if (typeof r.id === 'string' && typeof r.heading === 'string')
      // An out-of-range field (a 20-minute duration) must not hide the scene from the storyboard.
      out.push(sceneSchema.parse({ id: r.id.slice(0, 64), heading: r.heading.slice(0, 500) }));
  }
  return out;
}

/**
 * Reads the version of a project's document that a deliverable is made from: a named version
 * (`doc_versions`, 404 when it is not this project's) or `current`, a snapshot of what Postgres
 * holds when the request arrives. Everything built from the result sees that one state, however
 * the live document changes meanwhile.
 */
export async function loadPinnedVersion(
  sql: Sql,
  projectId: string,
  version: string,
): Promise<PinnedVersion> {
  const [project] = await sql<{ name: string }[]>`select name from projects where id = ${projectId}`;
  if (!project) throw notFound('Project');
  let state: Uint8Array;
  let pinned: PinnedVersion['version'];
  if (version === 'current') {
    state = (await loadDocumentState(sql, projectId)).state;
    const hash = createHash('sha256').update(state).digest('hex').slice(0, 16);
    pinned = { id: `current-${hash}`, name: 'Current', pinnedAt: new Date().toISOString() };
  } else {
    const found = await findVersion(sql, projectId, version);
    state = found.state;
    pinned = { id: found.version.id, name: found.version.name, pinnedAt: found.version.createdAt };
  }
  const content = readStateContent(state);
  return {
    project: { id: projectId, name: project.name },
    version: pinned,
    script: content.script,
    scenes: storyboardScenes(content.scenes),
  };
}
