import type { Scene } from '@clapboard/shared/document';
import { toCsv } from '../csv/to-csv';

export const SHOT_LIST_HEADER = [
  'scene_number',
  'scene_id',
  'heading',
  'shot',
  'camera',
  'duration_sec',
  'start_sec',
  'characters',
  'dialogue',
  'notes',
  'frame_asset_id',
  'version_id',
] as const;

/**
 * The shot list as CSV (RFC 4180, CRLF, every cell quoted, formula-looking cells defused): a
 * `# Clapboard shot list …` comment line naming the version, the header, then one row per scene in
 * storyboard order with its running start time. Every row also carries the version id, for tools
 * that drop comment lines.
 */
export function shotListCsv(scenes: readonly Scene[], version: { id: string; name: string }): string {
  let start = 0;
  const rows = scenes.map((s, i) => {
    const row = [
      i + 1,
      s.id,
      s.heading,
      s.shot,
      s.camera,
      s.durationSec,
      Math.round(start * 1000) / 1000,
      [...new Set(s.dialogue.map((d) => d.character.toUpperCase()))].join('; '),
      s.dialogue.map((d) => `${d.character.toUpperCase()}: ${d.text}`).join('\n'),
      s.notes ?? '',
      s.frameAssetId ?? '',
      version.id,
    ];
    start += s.durationSec;
    return row;
  });
  const comment = `# Clapboard shot list, version ${version.name} (${version.id})`.replace(/[\r\n]+/g, ' ');
  return `${comment}\r\n${toCsv([SHOT_LIST_HEADER, ...rows])}`;
}
