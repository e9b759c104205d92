import type { SceneReviewContent } from '@clapboard/shared/review';
import type { DocumentContent } from '../documents/read-document-content';
import { sceneHeadingKey as key, scriptSceneRanges } from './script-scene-ranges';

/** A live scene of the storyboard with what a reviewer approves of it. */
export interface ReviewableScene {
  sceneId: string;
  index: number;
  content: SceneReviewContent;
}

const str = (v: unknown, fallback = '') => (typeof v === 'string' ? v : fallback);

/**
 * What each live scene consists of, for approvals: its fields from the scene map plus its part of
 * the script. Scene maps do not store script offsets, so the script part is found by heading: the
 * k-th storyboard scene with a heading gets the k-th script scene with that heading (the storyboard
 * may be reordered; headings still pair up). A scene whose heading is not in the script has an
 * empty script part. Removed scenes are left out. The script is parsed off the event loop when it
 * is large (`scriptSceneRanges`).
 */
export async function sceneReviewContents(content: DocumentContent): Promise<ReviewableScene[]> {
  const scriptScenes = await scriptSceneRanges(content.script);
  // Only the headings the storyboard has are sliced out (a long script has tens of thousands).
  const wanted = new Set(content.scenes.map((scene) => key(str(scene.heading))));
  const byHeading = new Map<string, string[]>();
  for (const s of scriptScenes) {
    if (!wanted.has(s.key)) continue;
    const list = byHeading.get(s.key) ?? [];
    list.push(content.script.slice(s.start, s.end).trimEnd());
    byHeading.set(s.key, list);
  }
  const used = new Map<string, number>();
  const out: ReviewableScene[] = [];
  for (const scene of content.scenes) {
    if (typeof scene.id !== 'string' || scene.removed === true) continue;
    const heading = str(scene.heading);
    const k = used.get(key(heading)) ?? 0;
    used.set(key(heading), k + 1);
    const dialogue = Array.isArray(scene.dialogue)
      ? (scene.dialogue as Record<string, unknown>[]).map((l) => ({
          character: str(l?.character),
          text: str(l?.text),
          parenthetical: typeof l?.parenthetical === 'string' ? l.parenthetical : null,
        }))
      : [];
    out.push({
      sceneId: scene.id,
      index: out.length,
      content: {
        heading,
        synopsis: str(scene.synopsis),
        scriptText: byHeading.get(key(heading))?.[k] ?? '',
        dialogue,
        frameAssetId: typeof scene.frameAssetId === 'string' ? scene.frameAssetId : null,
        shot: str(scene.shot, 'medium'),
        camera: str(scene.camera, 'static'),
        durationSec: typeof scene.durationSec === 'number' ? scene.durationSec : 5,
      },
    });
  }
  return out;
}
