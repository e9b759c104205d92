import { sceneMap, syncScenesFromScript } from '@clapboard/screenplay';
import { DOC_KEYS } from '@clapboard/shared/document';
import type * as Y from 'yjs';
import type { ClipScene } from './clip-to-scenes';

/**
 * Puts a clip's scenes into the project's storyboard the way a writer would: its Fountain is
 * appended to the `script` Y.Text, the storyboard syncs its scenes from the script
 * (`syncScenesFromScript`, as the Storyboard tab's "Sync from script" does), and the new scenes
 * get the shot, duration and notes the clip gives them. One transaction: collaborators see one
 * change, and an undo takes it back whole.
 *
 * @returns the ids of the scenes made for the clip, in order
 */
export function sendToStoryboard(
  doc: Y.Doc,
  built: { fountain: string; scenes: readonly ClipScene[] },
  origin?: unknown,
): string[] {
  const ids: string[] = [];
  doc.transact(() => {
    const script = doc.getText(DOC_KEYS.script);
    const text = script.toString();
    // A blank line between what was there and the clip, so its first heading reads as one.
    const gap = text.length === 0 ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
    script.insert(text.length, gap + built.fountain);
    const plan = syncScenesFromScript(doc, { origin });
    const wanted = new Map(built.scenes.map((s) => [s.heading.toLowerCase(), s]));
    for (const change of plan.changes) {
      if (change.kind !== 'add' && change.kind !== 'update') continue;
      const scene = wanted.get(change.heading.toLowerCase());
      if (!scene || (change.kind === 'update' && !change.revive)) continue;
      const map = sceneMap(doc, change.id);
      if (!map) continue;
      map.set('shot', scene.shot);
      map.set('durationSec', scene.durationSec);
      map.set('notes', scene.notes);
      ids.push(change.id);
    }
  }, origin);
  return ids;
}
