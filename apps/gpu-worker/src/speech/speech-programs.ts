import { dirname, join } from 'node:path';

/** The native speech programs the worker runs, as names looked up on PATH or absolute paths. */
export interface SpeechPrograms {
  festival: string;
  /** Festival's one-shot script; next to `festival` when that is a path. */
  text2wave: string;
  flite: string;
  pocketsphinx: string;
}

/** The Debian package names behind each program: what the "not installed" reasons tell people to install. */
export const SPEECH_INSTALL_HINTS = {
  festival: 'apt-get install festival festvox-kallpc16k',
  flite: 'apt-get install flite',
  pocketsphinx: 'apt-get install pocketsphinx pocketsphinx-en-us',
} as const;

/** Programs on PATH, as Debian installs them. */
export const DEFAULT_SPEECH_PROGRAMS: SpeechPrograms = {
  festival: 'festival',
  text2wave: 'text2wave',
  flite: 'flite',
  pocketsphinx: 'pocketsphinx_continuous',
};

/**
 * The programs with some replaced (`FESTIVAL_BIN`, `FLITE_BIN`, `POCKETSPHINX_BIN`); a festival
 * given as a path brings its `text2wave` from the same folder.
 */
export function speechPrograms(o: Partial<Omit<SpeechPrograms, 'text2wave'>> = {}): SpeechPrograms {
  const festival = o.festival ?? DEFAULT_SPEECH_PROGRAMS.festival;
  return {
    festival,
    text2wave: festival.includes('/')
      ? join(dirname(festival), 'text2wave')
      : DEFAULT_SPEECH_PROGRAMS.text2wave,
    flite: o.flite ?? DEFAULT_SPEECH_PROGRAMS.flite,
    pocketsphinx: o.pocketsphinx ?? DEFAULT_SPEECH_PROGRAMS.pocketsphinx,
  };
}
