import type { Sql } from '@clapboard/server/db';
import {
  type Character,
  characterSchema,
  DOC_KEYS,
  MAX_SCENE_DURATION_SEC,
  type ProjectSettings,
  projectSettingsSchema,
  type Scene,
  sceneSchema,
} from '@clapboard/shared/document';
import { UnrecoverableError } from 'bullmq';
import * as Y from 'yjs';

/** What a render reads from the pinned project document. */
export interface RenderDocument {
  versionId: string;
  /** Scenes in order, removed ones left out. */
  scenes: Scene[];
  characters: Record<string, Character>;
  settings: ProjectSettings;
  /** An uploaded music track chosen in settings (`musicAssetId`), if any. */
  musicAssetId?: string;
}

/** Text fields where an empty string is a real value, not "unset". */
const TEXT = new Set(['heading', 'synopsis', 'text', 'character', 'description']);

/** Stored maps use null (or '' for ids and voices) for "unset" where the zod schemas use absent keys. */
function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || (v === '' && !TEXT.has(k))) continue;
    if (k === 'dialogue' && Array.isArray(v))
      out[k] = v.map((l) => withoutNulls((l ?? {}) as Record<string, unknown>));
    else out[k] = v;
  }
  return out;
}

/**
 * One scene map as a validated scene (null when the storyboard marked it removed). A scene that
 * breaks a bound (e.g. lasts longer than MAX_SCENE_DURATION_SEC) is a bad input: the job fails at
 * once with a sentence naming the scene, never runs for hours.
 *
 * @param index the scene's place in `scenes` (counted from 0), for the message
 * @throws UnrecoverableError naming the scene and the field
 */
function readScene(item: Y.Map<unknown>, index: number): Scene | null {
  const raw = withoutNulls(item.toJSON() as Record<string, unknown>);
  if (raw.removed === true) return null;
  const label = `Scene ${index + 1}${raw.heading ? ` (${String(raw.heading).slice(0, 60)})` : ''}`;
  if (typeof raw.durationSec === 'number' && raw.durationSec > MAX_SCENE_DURATION_SEC)
    throw new UnrecoverableError(
      `${label} lasts ${raw.durationSec} s; the longest scene we render is ${MAX_SCENE_DURATION_SEC} s. Shorten it or split it into scenes.`,
    );
  const parsed = sceneSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UnrecoverableError(`${label} is invalid: ${issue?.path.join('.')} ${issue?.message}.`);
  }
  return parsed.data;
}

/** The cast by upper-cased name; an entry that does not parse is left out (the scene still draws). */
function readCharacters(doc: Y.Doc): Record<string, Character> {
  const characters: Record<string, Character> = {};
  for (const [name, value] of doc.getMap<unknown>(DOC_KEYS.characters).entries()) {
    const json = value instanceof Y.Map ? value.toJSON() : value;
    const parsed = characterSchema.safeParse(withoutNulls((json ?? {}) as Record<string, unknown>));
    if (parsed.success) characters[name.toUpperCase()] = parsed.data;
  }
  return characters;
}

/**
 * Decodes an encoded document state into what a render needs, validating every scene.
 *
 * @throws UnrecoverableError naming the first invalid scene or setting
 */
export function readRenderDocument(versionId: string, state: Uint8Array): RenderDocument {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    const scenes: Scene[] = [];
    doc.getArray<unknown>(DOC_KEYS.scenes).forEach((item, index) => {
      const scene = item instanceof Y.Map ? readScene(item, index) : null;
      if (scene) scenes.push(scene);
    });
    const rawSettings = withoutNulls(doc.getMap<unknown>(DOC_KEYS.settings).toJSON());
    const settings = projectSettingsSchema.safeParse(rawSettings);
    if (!settings.success) {
      const issue = settings.error.issues[0];
      throw new UnrecoverableError(
        `Project settings are invalid: ${issue?.path.join('.')} ${issue?.message}.`,
      );
    }
    const music = rawSettings.musicAssetId;
    return {
      versionId,
      scenes,
      characters: readCharacters(doc),
      settings: settings.data,
      ...(typeof music === 'string' ? { musicAssetId: music } : {}),
    };
  } finally {
    doc.destroy();
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
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    let shown = 0;
    const items = doc.getArray<unknown>(DOC_KEYS.scenes).toArray();
    for (const [i, item] of items.entries()) {
      if (!(item instanceof Y.Map)) continue;
      const removed = item.get('removed') === true;
      if (item.get('id') === sceneId) {
        if (removed)
          throw new UnrecoverableError(
            `Scene "${sceneId}" was removed from the storyboard; restore it to draw its frame.`,
          );
        return { scene: readScene(item, i)!, index: shown, characters: readCharacters(doc) };
      }
      if (!removed) shown++;
    }
    throw new UnrecoverableError(
      `This project's storyboard has no scene "${sceneId}" (${shown} scene${shown === 1 ? '' : 's'}); it may have been deleted, or belong to another project.`,
    );
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
