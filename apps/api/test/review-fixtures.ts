import { replaceScenes, sceneMap } from '@clapboard/screenplay';
import type { Sql } from '@clapboard/server/db';
import { appendUpdates, loadDocument } from '@clapboard/server/documents';
import type { Comment } from '@clapboard/shared/review';
import * as Y from 'yjs';
import { auth, type TestUser } from './fixtures';
import type { Harness } from './harness';

/** A scene as tests describe it: one line of dialogue spoken by ALEX. */
export interface TestScene {
  id: string;
  heading: string;
  dialogue: string;
  frameAssetId?: string | null;
}

/** Fountain for scenes: heading, an action line and ALEX's line, in order. */
export function fountainOf(scenes: readonly TestScene[]): string {
  return scenes.map((s) => `${s.heading}\n\nSomething happens.\n\nALEX\n${s.dialogue}\n`).join('\n');
}

/**
 * Changes a project's stored document the way the realtime server does (an update row appended to
 * `doc_updates`), so the API reads it back on the next request.
 */
export async function changeDocument(
  sql: Sql,
  projectId: string,
  change: (doc: Y.Doc) => void,
): Promise<void> {
  const { doc } = await loadDocument(sql, projectId);
  const before = Y.encodeStateVector(doc);
  change(doc);
  const update = Y.encodeStateAsUpdate(doc, before);
  doc.destroy();
  await appendUpdates(sql, projectId, [update]);
}

function sceneFields(s: TestScene) {
  return {
    id: s.id,
    heading: s.heading,
    synopsis: '',
    dialogue: [{ character: 'ALEX', text: s.dialogue, parenthetical: null }],
    shot: 'medium',
    camera: 'static',
    durationSec: 5,
    frameAssetId: s.frameAssetId ?? null,
  };
}

/** Replaces the script and the scenes of a project's document with `scenes`. */
export async function writeScenes(sql: Sql, projectId: string, scenes: readonly TestScene[]): Promise<void> {
  await changeDocument(sql, projectId, (doc) => {
    const text = doc.getText('script');
    text.delete(0, text.length);
    text.insert(0, fountainOf(scenes));
    replaceScenes(doc, scenes.map(sceneFields));
  });
}

/** Sets one field of one scene map (as the storyboard panel does). */
export async function setSceneField(
  sql: Sql,
  projectId: string,
  sceneId: string,
  field: string,
  value: unknown,
) {
  await changeDocument(sql, projectId, (doc) => {
    sceneMap(doc, sceneId)?.set(field, value);
  });
}

/** Replaces the first occurrence of `find` in the script (as a typist would). */
export async function editScript(sql: Sql, projectId: string, find: string, replace: string) {
  await changeDocument(sql, projectId, (doc) => {
    const text = doc.getText('script');
    const at = text.toString().indexOf(find);
    if (at < 0) throw new Error(`not in the script: ${find}`);
    text.delete(at, find.length);
    text.insert(at, replace);
  });
}

/** One JSON call to the API as `user`: the status and the parsed body (text when not JSON). */
export async function callApi<T>(
  h: Harness,
  user: TestUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await h.app.request(`/api/v1${path}`, {
    method,
    headers: auth(user.token),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T,
  };
}

/** Posts a comment on a project as `user`. */
export const postComment = (h: Harness, user: TestUser, projectId: string, body: unknown) =>
  callApi<{ comment: Comment } & { error?: { code: string; details?: unknown } }>(
    h,
    user,
    'POST',
    `/projects/${projectId}/comments`,
    body,
  );
