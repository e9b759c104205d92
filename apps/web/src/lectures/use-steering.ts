import type { LectureSteering } from '@clapboard/shared/highlights';
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { highlightsMap, readLectureSteering } from './steering-doc';

/**
 * The lecture's steering from the project Y.Doc, re-read on every change to it, local or remote
 * (the whole `highlights` map is observed: the lecture's own map may not exist yet).
 */
export function useSteering(doc: Y.Doc, lectureId: string): LectureSteering {
  const [steering, setSteering] = useState(() => readLectureSteering(doc, lectureId));
  useEffect(() => {
    const map = highlightsMap(doc);
    const update = () => setSteering(readLectureSteering(doc, lectureId));
    map.observeDeep(update);
    update();
    return () => map.unobserveDeep(update);
  }, [doc, lectureId]);
  return steering;
}
