import type { Variant } from '@clapboard/shared/campaigns';
import { formatDuration, formatTime } from '../lib/format';

/** "Approved by Gina (client) · 12 Nov, 14:03", or "Waiting for a decision". */
export function decisionText(approval: Variant['approval']): string {
  if (!approval) return 'Waiting for a decision';
  const who = `${approval.by.name}${approval.role === 'guest' ? ' (client)' : ''}`;
  const what = approval.status === 'approved' ? 'Approved' : 'Changes requested';
  return `${what} by ${who} · ${formatTime(approval.at)}`;
}

/** "9:16 · 0:15". */
export function shapeText(v: Pick<Variant, 'aspectRatio' | 'durationSec'>): string {
  return `${v.aspectRatio} · ${formatDuration(v.durationSec)}`;
}

/** The player's box for an aspect ratio ("9:16" → 9 / 16), so the card keeps its shape while loading. */
export function aspectCss(aspect: string): string {
  const [w, h] = aspect.split(':').map(Number);
  return w && h ? `${w} / ${h}` : '16 / 9';
}
