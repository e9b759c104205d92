/** Scene-level differences between two scene lists, matched by the scene's stable `id`. */
export interface SceneDiff {
  added: Record<string, unknown>[];
  removed: Record<string, unknown>[];
  changed: {
    id: string;
    fields: string[];
    before: Record<string, unknown>;
    after: Record<string, unknown>;
  }[];
  /** Ids present in both lists whose relative order changed. */
  moved: string[];
}

function stable(value: unknown): string {
  // Key-order independent JSON, so two maps with the same fields compare equal.
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * Compares scene lists from `before` to `after`. Scenes without a string `id` cannot be matched and
 * are ignored. `fields` lists the keys whose values differ.
 */
export function diffScenes(
  before: readonly Record<string, unknown>[],
  after: readonly Record<string, unknown>[],
): SceneDiff {
  const byId = (list: readonly Record<string, unknown>[]) =>
    new Map(list.filter((s) => typeof s.id === 'string').map((s) => [s.id as string, s]));
  const a = byId(before);
  const b = byId(after);
  const diff: SceneDiff = { added: [], removed: [], changed: [], moved: [] };
  for (const [id, scene] of b) if (!a.has(id)) diff.added.push(scene);
  for (const [id, scene] of a) {
    const next = b.get(id);
    if (!next) {
      diff.removed.push(scene);
      continue;
    }
    const keys = new Set([...Object.keys(scene), ...Object.keys(next)]);
    const fields = [...keys].filter((k) => stable(scene[k]) !== stable(next[k])).sort();
    if (fields.length > 0) diff.changed.push({ id, fields, before: scene, after: next });
  }
  const orderA = [...a.keys()].filter((id) => b.has(id));
  const orderB = [...b.keys()].filter((id) => a.has(id));
  diff.moved = orderA.filter((id, i) => orderB[i] !== id);
  return diff;
}
