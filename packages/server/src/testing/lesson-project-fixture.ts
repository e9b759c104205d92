import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DOC_KEYS } from '@clapboard/shared/document';
import type { LessonContent, LessonSection } from '@clapboard/shared/lessons';
import * as Y from 'yjs';
import { assetKeys } from '../assets/asset-keys';
import type { Sql } from '../db/connect-db';
import { appendUpdates } from '../documents/append-updates';
import { loadDocumentState } from '../documents/load-document';
import type { BlobStore } from '../storage/blob-store';

export interface SeededLesson {
  lessonId: string;
  portraitAssetId: string;
  consentId: string;
}

/**
 * A lesson as the studio leaves it: the `lessons` row, the portrait uploaded as an image asset of
 * the project (stored in `store`), a typed portrait consent for it, and the lesson's content in
 * the project document (appended as a Yjs update, as the realtime server persists edits).
 */
export async function seedLesson(
  sql: Sql,
  store: BlobStore,
  o: {
    projectId: string;
    userId: string;
    portrait: string;
    title?: string;
    sections: Array<Pick<LessonSection, 'title' | 'narration' | 'slide'>>;
    content?: Partial<
      Pick<LessonContent, 'layout' | 'voice' | 'burnCaptions' | 'aspectRatio' | 'resolution'>
    >;
  },
): Promise<SeededLesson> {
  const title = o.title ?? 'A lesson';
  const [lesson] = await sql<{ id: string }[]>`
    insert into lessons (project_id, title, created_by) values (${o.projectId}, ${title}, ${o.userId}) returning id`;
  const bytes = await readFile(o.portrait);
  const assetId = randomUUID();
  const { key } = assetKeys(o.projectId, assetId);
  await store.put(key, new Blob([bytes]).stream(), { contentType: 'image/png' });
  await sql`
    insert into assets (id, project_id, kind, mime, byte_size, sha256, storage_key, original_name, created_by)
    values (${assetId}, ${o.projectId}, 'image', 'image/png', ${bytes.length},
            ${createHash('sha256').update(bytes).digest('hex')}, ${key}, 'portrait.png', ${o.userId})`;
  const [consent] = await sql<{ id: string }[]>`
    insert into consents (project_id, kind, subject_name, asset_id, scope, statement_text, recorded_by)
    values (${o.projectId}, 'portrait', 'The presenter', ${assetId}, 'Training videos', 'I agree.', ${o.userId})
    returning id`;
  const doc = new Y.Doc();
  const map = new Y.Map<unknown>();
  doc.getMap(DOC_KEYS.lessons).set(lesson!.id, map);
  map.set('title', title);
  map.set('portraitAssetId', assetId);
  map.set('portraitConsentId', consent!.id);
  for (const [k, v] of Object.entries(o.content ?? {})) map.set(k, v);
  const sections = new Y.Array<Y.Map<unknown>>();
  map.set('sections', sections);
  o.sections.forEach((s, i) => {
    const m = new Y.Map<unknown>();
    sections.push([m]);
    m.set('id', `s${i + 1}`);
    m.set('title', s.title);
    m.set('narration', s.narration);
    m.set('slide', s.slide);
  });
  await appendUpdates(sql, o.projectId, [Y.encodeStateAsUpdate(doc)]);
  doc.destroy();
  return { lessonId: lesson!.id, portraitAssetId: assetId, consentId: consent!.id };
}

/** Sets fields of a seeded lesson's content (a later edit in the document). */
export async function editLesson(
  sql: Sql,
  projectId: string,
  lessonId: string,
  fields: Record<string, unknown>,
) {
  const { state } = await loadDocumentState(sql, projectId);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const before = Y.encodeStateVector(doc);
  const map = doc.getMap(DOC_KEYS.lessons).get(lessonId) as Y.Map<unknown>;
  for (const [k, v] of Object.entries(fields)) map.set(k, v);
  await appendUpdates(sql, projectId, [Y.encodeStateAsUpdate(doc, before)]);
  doc.destroy();
}
