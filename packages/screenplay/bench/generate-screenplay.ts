/** Deterministic generator of a realistic feature-length Fountain script for the parse benchmark. */

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLACES = [
  'KITCHEN',
  'PRECINCT',
  'ROOFTOP',
  'DINER',
  'PARKING GARAGE',
  'MOTEL ROOM',
  'HIGHWAY',
  'BEACH',
];
const TIMES = ['DAY', 'NIGHT', 'DUSK', 'LATER', 'CONTINUOUS', 'MORNING'];
const NAMES = ['BRICK', 'STEEL', 'SANBORN', 'COGNITO', 'ÉLODIE', 'MOM', 'DEALER', 'ZOË'];
const WORDS =
  'the a door rain light gun coffee slowly *quietly* _never_ looks turns back away car phone rings waits nothing window street city cold smoke across table hand keys money'.split(
    ' ',
  );

/**
 * About `pages` × 55 lines of Fountain: title page, scene headings with numbers, action, dialogue
 * with parentheticals and extensions, dual dialogue, transitions, notes, sections and synopses.
 */
export function generateScreenplay(pages = 120, seed = 42): string {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const sentence = (min: number, max: number) => {
    const n = min + Math.floor(rand() * (max - min + 1));
    const ws = Array.from({ length: n }, () => pick(WORDS));
    const s = ws.join(' ');
    return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
  };
  const out: string[] = [
    'Title: THE LONG WAIT',
    'Credit: Written by',
    'Author: Bench Generator',
    'Draft date: 1/1/2026',
    '',
  ];
  const target = pages * 55;
  let scene = 0;
  while (out.length < target) {
    scene++;
    if (scene % 20 === 1) out.push(`# ACT ${Math.ceil(scene / 20)}`, '');
    out.push(`${pick(['INT.', 'EXT.', 'INT./EXT.'])} ${pick(PLACES)} - ${pick(TIMES)} #${scene}#`, '');
    if (rand() < 0.3) out.push(`= ${sentence(5, 10)}`, '');
    const beats = 3 + Math.floor(rand() * 6);
    for (let b = 0; b < beats; b++) {
      if (rand() < 0.4) {
        const lines = 1 + Math.floor(rand() * 3);
        for (let l = 0; l < lines; l++) out.push(sentence(6, 14) + (rand() < 0.05 ? ' [[check this]]' : ''));
      } else {
        const ext = rand() < 0.15 ? ` (${pick(['V.O.', 'O.S.', "CONT'D"])})` : '';
        out.push(`${pick(NAMES)}${ext}${rand() < 0.04 ? ' ^' : ''}`);
        if (rand() < 0.3) out.push(`(${sentence(1, 3).slice(0, -1).toLowerCase()})`);
        const lines = 1 + Math.floor(rand() * 3);
        for (let l = 0; l < lines; l++) out.push(sentence(3, 12));
      }
      out.push('');
    }
    if (rand() < 0.25) out.push(pick(['CUT TO:', 'DISSOLVE TO:', '> SMASH CUT.']), '');
  }
  out.push('> THE END <', '');
  return out.join('\n');
}
