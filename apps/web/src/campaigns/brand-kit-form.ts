import {
  type BrandKit,
  type BrandKitStyle,
  brandKitStyleSchema,
  type CaptionStyle,
} from '@clapboard/shared/campaigns';
import type { CSSProperties } from 'react';

/** The style fields of a kit (what the editor edits), without its id, files and revision. */
export function styleOf(kit: BrandKit): BrandKitStyle {
  return brandKitStyleSchema.parse(kit);
}

/** What the editor edits: the style and the kit's name. */
export type KitForm = BrandKitStyle & { name: string };

/** The editor's form of a kit. */
export function kitFormOf(kit: BrandKit): KitForm {
  return { ...styleOf(kit), name: kit.name };
}

const SECTION_LABELS: Record<string, string> = {
  name: 'Name',
  writing: 'Writing',
  palette: 'Palette',
  headingFontId: 'Heading font',
  captionStyle: 'Captions',
  introCard: 'Intro card',
  outroCard: 'Outro card',
  lowerThird: 'Lower third',
  logoPlacement: 'Logo placement',
  defaultVoice: 'Default voice',
  musicMood: 'Music mood',
};

/** A setting's dotted path (`palette.accent`) as a person reads it: "Palette: accent". */
export function settingLabel(path: string): string {
  const [section, field] = path.split('.');
  const head = SECTION_LABELS[section!] ?? section!;
  if (!field) return head;
  const words = field.replace(/([A-Z])/g, ' $1').toLowerCase();
  return `${head}: ${field === 'mustSay' ? 'must-say lines' : words}`;
}

/** A colleague's value of a setting, short. */
export function settingValueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'none';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.length ? value.join(', ') : 'none';
  const text = String(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** `#rrggbb` and an opacity 0–1 as `rgba(r, g, b, a)`. */
export function rgba(hex: string, opacity: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${Math.min(1, Math.max(0, opacity))})`;
}

/**
 * How a caption looks on a preview frame `frameHeightPx` tall: the text's height is the style's share
 * of the frame, its box the background at its opacity, placed top, middle or bottom.
 */
export function captionPreviewStyle(c: CaptionStyle, frameHeightPx: number): CSSProperties {
  return {
    fontSize: `${Math.round(c.size * frameHeightPx)}px`,
    color: c.color,
    background: c.backgroundOpacity > 0 ? rgba(c.background, c.backgroundOpacity) : 'transparent',
    textTransform: c.uppercase ? 'uppercase' : 'none',
    alignSelf: c.position === 'top' ? 'start' : c.position === 'middle' ? 'center' : 'end',
  };
}
