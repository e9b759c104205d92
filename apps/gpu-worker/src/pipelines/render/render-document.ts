import { docFromState, sceneEntries } from '@clapboard/screenplay';
import type { Sql } from '@clapboard/server/db';
import {
  checkRenderBounds,
  type RenderDocumentContent,
  RenderDocumentError,
  readCharacters,
  readRenderDocumentState,
  readSceneMap,
} from '@clapboard/server/render';
import type { Character, Scene } from '@clapboard/shared/document';
import { UnrecoverableError } from 'bullmq';

/** What a render reads from the pinned project document. */
export interface RenderDocument extends RenderDocumentContent {
  versionId: string;
}

/**
 * Decodes an encoded document state into what a render needs, validating every scene and the
 * render bounds the API checked at submit time (scene count, scene and film length), again here
 * as defence in depth: a document that breaks one is a bad input, so the render fails at once
 * with a sentence naming the scene, never runs for hours.
 *
 * @throws UnrecoverableError naming the first invalid scene or setting, or the bound passed
 */
export function readRenderDocument(versionId: string, state: Uint8Array): RenderDocument {
  try {
    const content = readRenderDocumentState(state);
    // The preset may override the transition; the document's is within half a second per join.
    checkRenderBounds(content, content.settings.transition);
    return { versionId, ...content };
  } catch (err) {
    if (err instanceof RenderDocumentError) throw new UnrecoverableError(err.message);
    throw err;
  }
}

/** One scene of a document, with the cast it may show. */
export interface ProjectScene {
  scene: Scene;
  /** Its place among the scenes shown (removed ones not counted), from 0. */
  index: number;
  characters: Record<string, Character>;
}

/**
 * Finds one scene by its stable id in an encoded document state, validating only that scene (a
 * broken scene elsewhere does not stop a frame of this one).
 *
 * @throws UnrecoverableError when the document has no such scene, the scene was removed, or it is invalid
 */
export function readProjectScene(state: Uint8Array, sceneId: string): ProjectScene {
  const doc = docFromState(state);
  try {
    let shown = 0;
    for (const { id, map: item, index: i } of sceneEntries(doc)) {
      const removed = item.get('removed') === true;
      if (id === sceneId) {
        if (removed)
          throw new UnrecoverableError(
            `Scene "${sceneId}" was removed from the storyboard; restore it to draw its frame.`,
          );
        return { scene: readSceneMap(item, i)!, index: shown, characters: readCharacters(doc) };
      }
      if (!removed) shown++;
    }
    throw new UnrecoverableError(
      `This project's storyboard has no scene "${sceneId}" (${shown} scene${shown === 1 ? '' : 's'}); it may have been deleted, or belong to another project.`,
    );
  } catch (err) {
    if (err instanceof RenderDocumentError) throw new UnrecoverableError(err.message);
    throw err;
  } finally {
    doc.destroy();
  }
}

const cache = new Map<string, RenderDocument>();

/**
 * The document version a render job pinned at submit time (`jobs.version_id`), decoded once per
 * process (versions never change, so caching by id is safe).
 *
 * @throws UnrecoverableError when the job pinned no version or the version was deleted
 */
export async function loadRenderDocument(sql: Sql, jobId: string): Promise<RenderDocument> {
  const [job] = await sql<{ version_id: string | null }[]>`select version_id from jobs where id = ${jobId}`;
  if (!job?.version_id)
    throw new UnrecoverableError('This render has no pinned document version; submit it again.');
  const hit = cache.get(job.version_id);
  if (hit) return hit;
  const [row] = await sql<{ state: Buffer }[]>`select state from doc_versions where id = ${job.version_id}`;
  if (!row) throw new UnrecoverableError('The document version this render shows was deleted.');
  const doc = readRenderDocument(job.version_id, row.state);
  if (cache.size > 50) cache.delete(cache.keys().next().value as string);
  cache.set(job.version_id, doc);
  return doc;
}
