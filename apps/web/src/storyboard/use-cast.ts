import { type CastMember, charactersMap, observeScenes, readCast } from '@clapboard/screenplay';
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';

/** The project's cast (readCast), re-read on any change to the scenes or the characters map. */
export function useCast(doc: Y.Doc): CastMember[] {
  const [cast, setCast] = useState(() => readCast(doc));
  useEffect(() => {
    const characters = charactersMap(doc);
    const update = () => setCast(readCast(doc));
    const stopScenes = observeScenes(doc, update);
    characters.observeDeep(update);
    update();
    return () => {
      stopScenes();
      characters.unobserveDeep(update);
    };
  }, [doc]);
  return cast;
}
