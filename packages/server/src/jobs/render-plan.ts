import type { PlannedStep } from './flow-plan';

/**
 * The flow of a `render.video` job for a document with `sceneCount` scenes: per scene a `shot`
 * that waits for its `frame` and `voice` (which run in parallel), a `music` step, and `assemble`
 * waiting for all of them. Step keys are `scene-<i>/<step>`; `item.scene` is the scene's index
 * in the pinned document.
 *
 * @throws RangeError for fewer than one scene
 */
export function renderVideoPlan(sceneCount: number): PlannedStep[] {
  if (!Number.isInteger(sceneCount) || sceneCount < 1)
    throw new RangeError('A render needs at least one scene.');
  const shots: PlannedStep[] = Array.from({ length: sceneCount }, (_, i) => {
    const item = { scene: i };
    return {
      step: `scene-${i}/shot`,
      item,
      after: [
        { step: `scene-${i}/frame`, item },
        { step: `scene-${i}/voice`, item },
      ],
    };
  });
  return [{ step: 'assemble', after: [...shots, { step: 'music' }] }];
}
