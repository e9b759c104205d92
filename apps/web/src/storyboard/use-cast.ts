import { type CastMember, charactersMap, readCast, scenesArray } from '@clapboard/screenplay';
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';

/** The project's cast (readCast), re-read on any change to the scenes or the characters map. */
export function useCast(doc: Y.Doc): CastMember[] {
  const [cast, setCast] = useState(() => readCast(doc));
  useEffect(() => {
    const scenes = scenesArray(doc);
    const characters = charactersMap(doc);
    const update = () => setCast(readCast(doc));
    scenes.observeDeep(update);
    characters.observeDeep(update);
    update();
    return () => {
      scenes.unobserveDeep(update);
      characters.unobserveDeep(update);
    };
  }, [doc]);
  return cast;
}
