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

const SKY: Record<Light, [string, string]> = {
  day: ['#5b9bd5', '#cfe6f7'],
  dusk: ['#3b2a5c', '#f39c5a'],
  night: ['#0b1026', '#27365e'],
};

function exterior(w: number, h: number, light: Light, rand: () => number): string {
  const [top, bottom] = SKY[light];
  const horizon = Math.round(h * 0.68);
  const parts = [
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient></defs>`,
    `<rect width="${w}" height="${h}" fill="url(#sky)"/>`,
  ];
  const r = Math.round(Math.min(w, h) * 0.07);
  if (light === 'night') {
    for (let i = 0; i < 40; i++)
      parts.push(
        `<circle cx="${Math.round(rand() * w)}" cy="${Math.round(rand() * horizon * 0.8)}" r="${(1 + rand() * 1.5).toFixed(1)}" fill="#fff" opacity="${(0.4 + rand() * 0.6).toFixed(2)}"/>`,
      );
    parts.push(`<circle cx="${Math.round(w * 0.8)}" cy="${Math.round(h * 0.18)}" r="${r}" fill="#f4f1de"/>`);
  } else {
    const y = light === 'dusk' ? horizon - r : Math.round(h * 0.18);
    parts.push(
      `<circle cx="${Math.round(w * 0.78)}" cy="${y}" r="${r}" fill="${light === 'dusk' ? '#ffb347' : '#fff6c8'}"/>`,
    );
  }
  // Skyline: buildings of random width and height along the horizon, lit windows at night.
  const building = light === 'night' ? '#151a2e' : light === 'dusk' ? '#3c2f4d' : '#6d7b8c';
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
  const ground = light === 'night' ? '#1f2a1f' : light === 'dusk' ? '#4a3b3b' : '#7a9a5a';
  parts.push(`<rect y="${horizon}" width="${w}" height="${h - horizon}" fill="${ground}"/>`);
  return parts.join('');
}

function interior(w: number, h: number, light: Light, rand: () => number): string {
  const wall =
    light === 'night'
      ? ['#3a3550', '#24213a']
      : light === 'dusk'
        ? ['#b9876a', '#8a5e4d']
        : ['#efe2cc', '#d6c3a5'];
  const floorY = Math.round(h * 0.7);
  const [skyTop, skyBottom] = SKY[light];
  const winW = Math.round(w * 0.22);
  const winH = Math.round(h * 0.3);
  const winX = Math.round(w * (0.55 + rand() * 0.15));
  const winY = Math.round(h * 0.14);
  const doorX = Math.round(w * (0.08 + rand() * 0.12));
  return [
    `<defs><linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${wall[0]}"/><stop offset="1" stop-color="${wall[1]}"/></linearGradient>`,
    `<linearGradient id="win" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${skyTop}"/><stop offset="1" stop-color="${skyBottom}"/></linearGradient></defs>`,
    `<rect width="${w}" height="${h}" fill="url(#wall)"/>`,
    `<rect x="${winX}" y="${winY}" width="${winW}" height="${winH}" fill="url(#win)" stroke="#5a4632" stroke-width="${Math.max(3, Math.round(w * 0.006))}"/>`,
    `<line x1="${winX + winW / 2}" y1="${winY}" x2="${winX + winW / 2}" y2="${winY + winH}" stroke="#5a4632" stroke-width="3"/>`,
    `<rect x="${doorX}" y="${Math.round(h * 0.25)}" width="${Math.round(w * 0.1)}" height="${floorY - Math.round(h * 0.25)}" fill="#7b5a3c"/>`,
    `<polygon points="0,${floorY} ${w},${floorY} ${w},${h} 0,${h}" fill="${light === 'night' ? '#2b2430' : '#8b6b4a'}"/>`,
    `<line x1="0" y1="${floorY}" x2="${w}" y2="${floorY}" stroke="#00000055" stroke-width="4"/>`,
  ].join('');
}

/**
 * An SVG backdrop for a scene without a chosen background: a room (interior) or a skyline
 * (exterior), lit for the time of day. Deterministic for a given seed.
 *
 * @returns an SVG document of exactly `width`×`height` pixels
 */
export function drawBackground(width: number, height: number, look: SceneLook, seed: number): string {
  const rand = seededRandom(seed);
  const light = lightOf(look.timeOfDay);
  const inside = look.setting === 'INT' || (look.setting === 'INT/EXT' && rand() < 0.5);
  const body = inside ? interior(width, height, light, rand) : exterior(width, height, light, rand);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`;
}
