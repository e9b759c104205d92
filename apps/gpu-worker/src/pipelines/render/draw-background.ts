/** Where and when a scene happens, as its heading says (`INT. KITCHEN - NIGHT`). */
export interface SceneLook {
  setting: 'INT' | 'EXT' | 'INT/EXT' | 'EST' | null;
  timeOfDay: string | null;
}

type Light = 'day' | 'night' | 'dusk';

/** Day, night or dusk from a heading's time of day; anything unknown reads as day. */
export function lightOf(timeOfDay: string | null): Light {
  const t = (timeOfDay ?? '').toLowerCase();
  if (/night|midnight|late/.test(t)) return 'night';
  if (/dusk|dawn|sunset|sunrise|evening|twilight|magic/.test(t)) return 'dusk';
  return 'day';
}

/** A small deterministic PRNG (mulberry32): the same seed always draws the same skyline. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Palettes per light. The seed picks one by `seed % n`, so consecutive seeds (the variations of
 * a scene) never share a palette; every palette of a light stays within its brightness band, so
 * night still reads as night.
 */
const SKIES: Record<Light, Array<[string, string]>> = {
  day: [
    ['#5b9bd5', '#cfe6f7'],
    ['#7fa8c9', '#f1e3c6'],
    ['#3f78b5', '#9fd0ea'],
  ],
  dusk: [
    ['#3b2a5c', '#f39c5a'],
    ['#2b3768', '#e8716d'],
    ['#5a3a6e', '#f6c177'],
  ],
  night: [
    ['#0b1026', '#27365e'],
    ['#140c26', '#3a2d5a'],
    ['#06151f', '#1d3f52'],
  ],
};
const BUILDINGS: Record<Light, string[]> = {
  day: ['#6d7b8c', '#8c7b6d', '#5f6f66'],
  dusk: ['#3c2f4d', '#4d2f3a', '#2f3a4d'],
  night: ['#151a2e', '#1b1526', '#10201f'],
};
const GROUNDS: Record<Light, string[]> = {
  day: ['#7a9a5a', '#a08a62', '#5f8a6a'],
  dusk: ['#4a3b3b', '#3b3a4a', '#55443a'],
  night: ['#1f2a1f', '#1a1f2a', '#24201c'],
};
const WALLS: Record<Light, Array<[string, string]>> = {
  day: [
    ['#efe2cc', '#d6c3a5'],
    ['#dde8df', '#b6cabd'],
    ['#ecd8d2', '#caa9a1'],
  ],
  dusk: [
    ['#b9876a', '#8a5e4d'],
    ['#a67b8e', '#704e64'],
    ['#c49a5c', '#8c6a3c'],
  ],
  night: [
    ['#3a3550', '#24213a'],
    ['#2f3d45', '#1c272d'],
    ['#45333a', '#2a1f24'],
  ],
};
const FLOORS: Record<Light, string[]> = {
  day: ['#8b6b4a', '#6f7a86', '#a3805a'],
  dusk: ['#6b4a3a', '#5a4652', '#74583a'],
  night: ['#2b2430', '#22282c', '#30262a'],
};

const pick = <T>(list: readonly T[], seed: number): T => list[(seed >>> 0) % list.length]!;
const between = (rand: () => number, lo: number, hi: number) => lo + rand() * (hi - lo);

function skyAndLight(w: number, h: number, horizon: number, light: Light, seed: number, rand: () => number) {
  const [top, bottom] = pick(SKIES[light], seed);
  const parts = [
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient></defs>`,
    `<rect width="${w}" height="${h}" fill="url(#sky)"/>`,
  ];
  const r = Math.round(Math.min(w, h) * between(rand, 0.05, 0.09));
  // Sun or moon on one side or the other, never behind the people in the middle.
  const side = rand() < 0.5 ? between(rand, 0.1, 0.3) : between(rand, 0.7, 0.9);
  const cx = Math.round(w * side);
  if (light === 'night') {
    for (let i = 0; i < 40; i++)
      parts.push(
        `<circle cx="${Math.round(rand() * w)}" cy="${Math.round(rand() * horizon * 0.8)}" r="${(1 + rand() * 1.5).toFixed(1)}" fill="#fff" opacity="${(0.4 + rand() * 0.6).toFixed(2)}"/>`,
      );
    parts.push(
      `<circle cx="${cx}" cy="${Math.round(h * between(rand, 0.12, 0.24))}" r="${r}" fill="#f4f1de"/>`,
    );
  } else {
    const y = light === 'dusk' ? horizon - r : Math.round(h * between(rand, 0.12, 0.24));
    parts.push(`<circle cx="${cx}" cy="${y}" r="${r}" fill="${light === 'dusk' ? '#ffb347' : '#fff6c8'}"/>`);
  }
  return parts;
}

/** Buildings of random width and height along the horizon, lit windows after dark. */
function skyline(w: number, h: number, horizon: number, light: Light, seed: number, rand: () => number) {
  const parts: string[] = [];
  const building = pick(BUILDINGS[light], seed >>> 1);
  let x = 0;
  while (x < w) {
    const bw = Math.round(w * (0.05 + rand() * 0.08));
    const bh = Math.round(h * (0.12 + rand() * 0.3));
    parts.push(`<rect x="${x}" y="${horizon - bh}" width="${bw}" height="${bh}" fill="${building}"/>`);
    if (light !== 'day')
      for (let wy = horizon - bh + 8; wy < horizon - 10; wy += Math.max(10, Math.round(h * 0.03)))
        for (let wx = x + 5; wx < x + bw - 8; wx += Math.max(9, Math.round(w * 0.015)))
          if (rand() < 0.35) parts.push(`<rect x="${wx}" y="${wy}" width="4" height="6" fill="#ffd97a"/>`);
    x += bw + Math.round(rand() * w * 0.01);
  }
  return parts;
}

/** Two rolling ridges with a few trees: the open-country alternative to a skyline. */
function hills(w: number, h: number, horizon: number, light: Light, seed: number, rand: () => number) {
  const far = pick(BUILDINGS[light], seed >>> 1);
  const near = pick(GROUNDS[light], (seed >>> 1) + 1);
  const ridge = (base: number, amp: number, fill: string) => {
    const peaks = 3 + Math.floor(rand() * 3);
    let d = `M 0 ${h} L 0 ${Math.round(base)}`;
    for (let i = 0; i < peaks; i++) {
      const x0 = (w * i) / peaks;
      const x1 = (w * (i + 1)) / peaks;
      const top = base - amp * (0.4 + rand() * 0.6);
      d += ` Q ${Math.round((x0 + x1) / 2)} ${Math.round(top)} ${Math.round(x1)} ${Math.round(base - rand() * amp * 0.3)}`;
    }
    return `<path d="${d} L ${w} ${h} Z" fill="${fill}"/>`;
  };
  const parts = [ridge(horizon - h * 0.06, h * 0.22, far), ridge(horizon + h * 0.02, h * 0.1, near)];
  const trees = 2 + Math.floor(rand() * 5);
  for (let i = 0; i < trees; i++) {
    const x = Math.round(rand() * w);
    const th = Math.round(h * between(rand, 0.08, 0.16));
    const base = Math.round(horizon + h * 0.02);
    parts.push(
      `<polygon points="${x - th * 0.3},${base} ${x + th * 0.3},${base} ${x},${base - th}" fill="${far}" opacity="0.9"/>`,
    );
  }
  return parts;
}

function exterior(w: number, h: number, light: Light, seed: number, rand: () => number): string {
  const horizon = Math.round(h * between(rand, 0.6, 0.74));
  const parts = skyAndLight(w, h, horizon, light, seed, rand);
  parts.push(...(rand() < 0.5 ? skyline : hills)(w, h, horizon, light, seed, rand));
  parts.push(
    `<rect y="${horizon}" width="${w}" height="${h - horizon}" fill="${pick(GROUNDS[light], seed)}"/>`,
  );
  return parts.join('');
}

function interior(w: number, h: number, light: Light, seed: number, rand: () => number): string {
  const wall = pick(WALLS[light], seed);
  const floorY = Math.round(h * between(rand, 0.64, 0.76));
  const [skyTop, skyBottom] = pick(SKIES[light], seed);
  const winW = Math.round(w * between(rand, 0.16, 0.28));
  const winH = Math.round(h * between(rand, 0.24, 0.34));
  // Window and door trade sides with the seed's parity.
  const windowRight = ((seed >>> 0) & 1) === 0;
  const winX = Math.round(w * (windowRight ? between(rand, 0.55, 0.7) : between(rand, 0.08, 0.2)));
  const winY = Math.round(h * between(rand, 0.1, 0.18));
  const doorW = Math.round(w * 0.1);
  const doorX = Math.round(w * (windowRight ? between(rand, 0.06, 0.18) : between(rand, 0.72, 0.84)));
  const doorTop = Math.round(h * 0.25);
  const frame = '#5a4632';
  const parts = [
    `<defs><linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${wall[0]}"/><stop offset="1" stop-color="${wall[1]}"/></linearGradient>`,
    `<linearGradient id="win" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${skyTop}"/><stop offset="1" stop-color="${skyBottom}"/></linearGradient></defs>`,
    `<rect width="${w}" height="${h}" fill="url(#wall)"/>`,
    `<rect x="${winX}" y="${winY}" width="${winW}" height="${winH}" fill="url(#win)" stroke="${frame}" stroke-width="${Math.max(3, Math.round(w * 0.006))}"/>`,
    `<line x1="${winX + winW / 2}" y1="${winY}" x2="${winX + winW / 2}" y2="${winY + winH}" stroke="${frame}" stroke-width="3"/>`,
    `<rect x="${doorX}" y="${doorTop}" width="${doorW}" height="${floorY - doorTop}" fill="#7b5a3c"/>`,
  ];
  // A picture on the wall between door and window, or a shelf, depending on the seed.
  const midX = Math.round((Math.min(winX, doorX) + Math.max(winX + winW, doorX + doorW)) / 2);
  if (rand() < 0.5) {
    const pw = Math.round(w * between(rand, 0.07, 0.12));
    const ph = Math.round(pw * between(rand, 0.7, 1.1));
    parts.push(
      `<rect x="${midX - pw / 2}" y="${Math.round(h * 0.2)}" width="${pw}" height="${ph}" fill="${pick(GROUNDS.day, seed + 1)}" stroke="${frame}" stroke-width="${Math.max(2, Math.round(w * 0.004))}"/>`,
    );
  } else {
    const sw = Math.round(w * between(rand, 0.12, 0.2));
    parts.push(
      `<rect x="${midX - sw / 2}" y="${Math.round(h * 0.32)}" width="${sw}" height="${Math.max(4, Math.round(h * 0.015))}" fill="${frame}"/>`,
    );
  }
  parts.push(
    `<polygon points="0,${floorY} ${w},${floorY} ${w},${h} 0,${h}" fill="${pick(FLOORS[light], seed + 2)}"/>`,
    `<line x1="0" y1="${floorY}" x2="${w}" y2="${floorY}" stroke="#00000055" stroke-width="4"/>`,
  );
  return parts.join('');
}

/**
 * An SVG backdrop for a scene without a chosen background: a room (interior) or a skyline or
 * open country (exterior), lit for the time of day. Deterministic for a given seed; neighbouring
 * seeds differ in palette, horizon, layout of the room and what stands on the horizon, so the
 * variations of a scene are visibly different pictures of the same place and time.
 *
 * @returns an SVG document of exactly `width`×`height` pixels
 */
export function drawBackground(width: number, height: number, look: SceneLook, seed: number): string {
  const rand = seededRandom(seed);
  const light = lightOf(look.timeOfDay);
  const inside = look.setting === 'INT' || (look.setting === 'INT/EXT' && rand() < 0.5);
  const body = inside
    ? interior(width, height, light, seed, rand)
    : exterior(width, height, light, seed, rand);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`;
}
