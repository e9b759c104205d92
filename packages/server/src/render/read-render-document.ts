import { type CastGender, castGender, docFromState, sceneEntries } from '@clapboard/screenplay';
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
import * as Y from 'yjs';
import { RenderDocumentError } from './render-document-error';

/** What a render reads from a project document. */
export interface RenderDocumentContent {
  /** Scenes in order, removed ones left out. */
  scenes: Scene[];
  characters: Record<string, Character>;
  settings: ProjectSettings;
  /** An uploaded music track chosen in settings (`musicAssetId`), if any. */
  musicAssetId?: string;
  /**
   * The gender of each cast member (upper-cased name) whose cast entry or script introduction
   * states one (see `castGender`); automatic voices are matched to it. Absent names: not stated.
   */
  genders?: Record<string, CastGender>;
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

/** "Scene 3 (INT. HALL - DAY)": how messages name a scene (1-based, heading cut to 60 characters). */
export function sceneLabel(index: number, heading: unknown): string {
  return `Scene ${index + 1}${heading ? ` (${String(heading).slice(0, 60)})` : ''}`;
}

/**
 * One stored scene map as a validated scene; null when the storyboard marked it removed.
 *
 * @param index the scene's place in the stored array (from 0), for the message
 * @throws RenderDocumentError naming the scene when it is invalid or lasts longer than MAX_SCENE_DURATION_SEC
 */
export function readSceneMap(item: Y.Map<unknown>, index: number): Scene | null {
  const raw = withoutNulls(item.toJSON() as Record<string, unknown>);
  if (raw.removed === true) return null;
  const label = sceneLabel(index, raw.heading);
  const where = {
    scene: index + 1,
    ...(typeof raw.id === 'string' ? { sceneId: raw.id } : {}),
    ...(typeof raw.heading === 'string' ? { heading: raw.heading } : {}),
  };
  if (typeof raw.durationSec === 'number' && raw.durationSec > MAX_SCENE_DURATION_SEC)
    throw new RenderDocumentError(
      `${label} lasts ${raw.durationSec} s; the longest scene we render is ${MAX_SCENE_DURATION_SEC} s. Shorten it or split it into scenes.`,
      { ...where, limit: MAX_SCENE_DURATION_SEC, actual: raw.durationSec },
    );
  const parsed = sceneSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RenderDocumentError(`${label} is invalid: ${issue?.path.join('.')} ${issue?.message}.`, where);
  }
  return parsed.data;
}

/** The cast by upper-cased name; an entry that does not parse is left out (the scene still draws). */
export function readCharacters(doc: Y.Doc): Record<string, Character> {
  const characters: Record<string, Character> = {};
  for (const [name, value] of doc.getMap<unknown>(DOC_KEYS.characters).entries()) {
    const json = value instanceof Y.Map ? value.toJSON() : value;
    const parsed = characterSchema.safeParse(withoutNulls((json ?? {}) as Record<string, unknown>));
    if (parsed.success) characters[name.toUpperCase()] = parsed.data;
  }
  return characters;
}

/** The stated gender of everyone in the cast or speaking in `scenes`, from their entry or the script. */
function castGenders(
  doc: Y.Doc,
  scenes: readonly Scene[],
  characters: Record<string, Character>,
): Record<string, CastGender> {
  const script = doc.getText(DOC_KEYS.script).toString();
  const names = new Set([
    ...Object.keys(characters),
    ...scenes.flatMap((s) => s.dialogue.map((l) => l.character)),
  ]);
  const genders: Record<string, CastGender> = {};
  for (const raw of names) {
    const name = raw.trim().toUpperCase();
    if (!name || genders[name]) continue;
    const own = characters[name];
    const gender = castGender({ name, gender: own?.gender, description: own?.description, script });
    if (gender) genders[name] = gender;
  }
  return genders;
}

/**
 * Decodes an encoded project document state into what a render needs, validating every scene,
 * character and setting the way the worker will use them. The API reads the document it pins
 * with this at submit time and the worker reads the pinned version with it again, so both
 * sides agree on what a render shows.
 *
 * @throws RenderDocumentError naming the first invalid scene or setting, or a scene that lasts
 *   longer than MAX_SCENE_DURATION_SEC
 */
export function readRenderDocumentState(state: Uint8Array): RenderDocumentContent {
  const doc = docFromState(state);
  try {
    const scenes: Scene[] = [];
    for (const { map, index } of sceneEntries(doc)) {
      const scene = readSceneMap(map, index);
      if (scene) scenes.push(scene);
    }
    const characters = readCharacters(doc);
    const rawSettings = withoutNulls(doc.getMap<unknown>(DOC_KEYS.settings).toJSON());
    const settings = projectSettingsSchema.safeParse(rawSettings);
    if (!settings.success) {
      const issue = settings.error.issues[0];
      throw new RenderDocumentError(
        `Project settings are invalid: ${issue?.path.join('.')} ${issue?.message}.`,
      );
    }
    const music = rawSettings.musicAssetId;
    return {
      scenes,
      characters,
      settings: settings.data,
      ...(typeof music === 'string' ? { musicAssetId: music } : {}),
      genders: castGenders(doc, scenes, characters),
    };
  } finally {
    doc.destroy();
  }
}
