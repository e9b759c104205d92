import { z } from 'zod';

/** Keys of the one Y.Doc per project (docId = project id). */
export const DOC_KEYS = {
  /** Y.Text: the screenplay in Fountain, the source of truth for scenes. */
  script: 'script',
  /**
   * Y.Array<string>: scene ids in storyboard order. A move deletes the id and inserts it elsewhere;
   * the scene's data is never touched, so a field edited at the same moment survives. Read it with
   * `orderSceneIds` (duplicates from concurrent moves and ids without data are folded there).
   */
  sceneOrder: 'sceneOrder',
  /** Y.Map: scene id → Y.Map of the scene's fields (`StoredScene`). */
  sceneData: 'sceneData',
  /**
   * Y.Array<Y.Map>: the old layout (scenes in order, a move re-created the map and lost concurrent
   * edits). Only the load-time migration (`migrateSceneLayout` in @clapboard/screenplay) reads it.
   */
  legacyScenes: 'scenes',
  /** Y.Map: name → Character. */
  characters: 'characters',
  /** Y.Map: project render settings. */
  settings: 'settings',
  /** Y.Map: lesson id → Y.Map of a lesson's content (see `@clapboard/shared/lessons`). */
  lessons: 'lessons',
  /** Y.Map: lecture id → Y.Map of the team's steering (see `@clapboard/shared/highlights`). */
  highlights: 'highlights',
} as const;

export const SHOTS = ['wide', 'medium', 'close'] as const;
export const shotSchema = z.enum(SHOTS);
export type Shot = z.infer<typeof shotSchema>;

export const CAMERA_MOVES = [
  'static',
  'pan-left',
  'pan-right',
  'zoom-in',
  'zoom-out',
  'tilt-up',
  'tilt-down',
] as const;
export const cameraMoveSchema = z.enum(CAMERA_MOVES);
export type CameraMove = z.infer<typeof cameraMoveSchema>;

/** Longest single scene we accept (seconds); longer asks are refused, not rendered for hours. */
export const MAX_SCENE_DURATION_SEC = 600;

export const dialogueLineSchema = z.object({
  character: z.string().max(200),
  text: z.string().max(5000),
  parenthetical: z.string().max(500).optional(),
});
export type DialogueLine = z.infer<typeof dialogueLineSchema>;

/** A dialogue line as a scene map stores it (plain JSON; the script sync writes every key). */
export interface StoredDialogueLine {
  character: string;
  text: string;
  parenthetical: string | null;
  extension: string | null;
}

/**
 * Every key of a scene's Y.Map, as the storyboard and the script sync write it: unset values are
 * `''` or `null`, never missing. (`sceneSchema` below is the validated shape readers parse into.)
 */
export interface StoredScene {
  id: string;
  heading: string;
  synopsis: string;
  dialogue: StoredDialogueLine[];
  shot: Shot;
  camera: CameraMove;
  durationSec: number;
  voice: string;
  frameAssetId: string | null;
  imagePrompt: string;
  seed: number | null;
  notes: string;
  removed: boolean;
}

/** Length of a scene nobody has timed (seconds). */
export const DEFAULT_SCENE_DURATION_SEC = 5;

/** Values a new scene starts with, apart from its id, what the script gives and its duration. */
export const SCENE_DEFAULTS = {
  shot: 'medium',
  camera: 'static',
  voice: '',
  frameAssetId: null,
  imagePrompt: '',
  seed: null,
  notes: '',
  removed: false,
} as const satisfies Partial<StoredScene>;

/** Fields people set in the storyboard; the script sync never overwrites them (synopsis only from a `=` line). */
export const SCENE_USER_FIELDS = [
  'shot',
  'camera',
  'durationSec',
  'voice',
  'frameAssetId',
  'imagePrompt',
  'seed',
  'notes',
  'synopsis',
] as const satisfies readonly (keyof StoredScene)[];

/**
 * A scene map's JSON read leniently for display and sync: a missing or wrongly typed key reads as
 * its default (`SCENE_DEFAULTS`), so one bad value never hides a scene. Null when it has no string id.
 */
export function readStoredScene(raw: Record<string, unknown>): StoredScene | null {
  if (typeof raw.id !== 'string') return null;
  const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
  const num = (k: string) =>
    typeof raw[k] === 'number' && Number.isFinite(raw[k]) ? (raw[k] as number) : null;
  const shot = shotSchema.safeParse(raw.shot);
  const camera = cameraMoveSchema.safeParse(raw.camera);
  return {
    id: raw.id,
    heading: str('heading'),
    synopsis: str('synopsis'),
    dialogue: Array.isArray(raw.dialogue) ? (raw.dialogue as StoredDialogueLine[]) : [],
    shot: shot.success ? shot.data : SCENE_DEFAULTS.shot,
    camera: camera.success ? camera.data : SCENE_DEFAULTS.camera,
    durationSec: num('durationSec') ?? DEFAULT_SCENE_DURATION_SEC,
    voice: str('voice'),
    frameAssetId: str('frameAssetId') || SCENE_DEFAULTS.frameAssetId,
    imagePrompt: str('imagePrompt'),
    seed: num('seed'),
    notes: str('notes'),
    removed: raw.removed === true,
  };
}

/**
 * The storyboard order, from the raw `sceneOrder` array and the ids `sceneData` holds: each id once,
 * at its first occurrence (two peers moving the same scene at once leave it twice; every peer holds
 * the same merged array, so every peer picks the same one), ids without data skipped (deleted
 * concurrently with a move), and scenes with data but no place (none arises from the writers; kept
 * so data is never hidden) appended sorted by id. Pure and deterministic.
 */
export function orderSceneIds(order: readonly unknown[], dataIds: Iterable<string>): string[] {
  const has = new Set(dataIds);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of order) {
    if (typeof id !== 'string' || !has.has(id) || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  const orphans = [...has].filter((id) => !seen.has(id)).sort();
  return orphans.length === 0 ? out : [...out, ...orphans];
}

/** One storyboard scene, validated (renders and exports parse a scene map's JSON into this). */
export const sceneSchema = z.object({
  id: z.string().min(1).max(64),
  heading: z.string().max(500),
  synopsis: z.string().max(5000).default(''),
  dialogue: z.array(dialogueLineSchema).max(500).default([]),
  shot: shotSchema.default(SCENE_DEFAULTS.shot),
  camera: cameraMoveSchema.default(SCENE_DEFAULTS.camera),
  durationSec: z.number().positive().max(MAX_SCENE_DURATION_SEC).default(DEFAULT_SCENE_DURATION_SEC),
  voice: z.string().max(100).optional(),
  frameAssetId: z.string().uuid().nullable().optional(),
  imagePrompt: z.string().max(2000).optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
  notes: z.string().max(10_000).optional(),
  removed: z.boolean().optional(),
});
export type Scene = z.infer<typeof sceneSchema>;

export const characterSchema = z.object({
  description: z.string().max(2000).default(''),
  /** Stated gender; automatic voices match it (else it is read from the description or the script). */
  gender: z.enum(['female', 'male']).optional(),
  voice: z.string().max(100).optional(),
  portraitAssetId: z.string().uuid().nullable().optional(),
});
export type Character = z.infer<typeof characterSchema>;

export const ASPECT_RATIOS = ['16:9', '9:16', '1:1', '4:3', '4:5'] as const;
export const aspectRatioSchema = z.enum(ASPECT_RATIOS);
export type AspectRatio = z.infer<typeof aspectRatioSchema>;

export const RESOLUTIONS = ['480p', '720p', '1080p'] as const;
export const resolutionSchema = z.enum(RESOLUTIONS);
export type Resolution = z.infer<typeof resolutionSchema>;

export const TRANSITIONS = ['cut', 'crossfade', 'fade-black'] as const;
export const transitionSchema = z.enum(TRANSITIONS);

export const projectSettingsSchema = z.object({
  aspectRatio: aspectRatioSchema.default('16:9'),
  resolution: resolutionSchema.default('720p'),
  fps: z.number().int().min(12).max(60).default(24),
  musicPrompt: z.string().max(500).default('calm'),
  transition: transitionSchema.default('crossfade'),
});
export type ProjectSettings = z.infer<typeof projectSettingsSchema>;

/** Output pixel size for a resolution preset and aspect ratio (even numbers, as H.264 needs). */
export function frameSize(resolution: Resolution, aspect: AspectRatio): { width: number; height: number } {
  const short = resolution === '480p' ? 480 : resolution === '720p' ? 720 : 1080;
  const [a, b] = aspect.split(':').map(Number) as [number, number];
  const even = (n: number) => Math.round(n / 2) * 2;
  return a >= b
    ? { width: even((short * a) / b), height: short }
    : { width: short, height: even((short * b) / a) };
}

/** Bounds the realtime server enforces on documents and messages. */
export const DOC_LIMITS = {
  /** Largest single WebSocket message accepted (bytes). */
  maxMessageBytes: 2 * 1024 * 1024,
  /** Largest encoded document state (bytes). */
  maxDocumentBytes: 20 * 1024 * 1024,
  /** Most simultaneous connections to one document. */
  maxConnectionsPerDoc: 200,
} as const;

/**
 * Presence (Yjs awareness) bounds per connection. A cursor and a name are a few hundred bytes, and
 * editors send one update per selection change (the provider also renews every 15 s), so these are
 * far above honest use and far below a flood: each update is relayed to every other connection.
 */
export const AWARENESS_LIMITS = {
  /** Largest awareness update accepted (bytes); over it the connection is closed (awarenessFlood). */
  maxUpdateBytes: 8 * 1024,
  /** Sustained updates per second per connection (token bucket refill). */
  updatesPerSec: 20,
  /** Burst size of the bucket; past it the connection is closed (awarenessFlood). */
  burst: 60,
  /** Awareness client ids one connection may hold (the provider uses one: its doc's clientID). */
  maxClientIdsPerConn: 2,
} as const;
