import { extractScenes, parseFountain } from '@clapboard/screenplay';
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';

export interface OutlineEntry {
  index: number;
  heading: string;
  /** Offset of the heading in the script text. */
  from: number;
  characters: string[];
  durationSec: number;
}

function outlineOf(text: string): OutlineEntry[] {
  return extractScenes(parseFountain(text)).map((s) => ({
    index: s.index,
    heading: s.heading,
    from: s.headingRange.start,
    characters: s.characters,
    durationSec: s.durationSec,
  }));
}

/**
 * The scenes of the script, re-parsed at most every 250 ms while people type (parsing a feature
 * length script on every keystroke would stall typing).
 */
export function useScriptOutline(ytext: Y.Text): OutlineEntry[] {
  const [outline, setOutline] = useState(() => outlineOf(ytext.toString()));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const observer = () => {
      clearTimeout(timer);
      timer = setTimeout(() => setOutline(outlineOf(ytext.toString())), 250);
    };
    ytext.observe(observer);
    setOutline(outlineOf(ytext.toString()));
    return () => {
      clearTimeout(timer);
      ytext.unobserve(observer);
    };
  }, [ytext]);
  return outline;
}
