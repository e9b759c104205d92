import { MAX_BULK_DOWNLOAD_ITEMS } from '@clapboard/shared/campaigns';

/** The chosen outputs of a gallery, in the order they were chosen. */
export type Selection = readonly string[];

/** `id` chosen, or no longer chosen. */
export function toggle(selection: Selection, id: string): Selection {
  return selection.includes(id) ? selection.filter((x) => x !== id) : [...selection, id];
}

/**
 * Every id shown chosen too (those already chosen stay first), up to the most a bulk download
 * takes (`MAX_BULK_DOWNLOAD_ITEMS`); `capped` says whether some were left out for it.
 */
export function selectAll(
  selection: Selection,
  shown: readonly string[],
): { selection: Selection; capped: boolean } {
  const all = [...selection, ...shown.filter((id) => !selection.includes(id))];
  return { selection: all.slice(0, MAX_BULK_DOWNLOAD_ITEMS), capped: all.length > MAX_BULK_DOWNLOAD_ITEMS };
}

/** Whether every shown id is chosen (for the "select all" checkbox). */
export function allChosen(selection: Selection, shown: readonly string[]): boolean {
  return shown.length > 0 && shown.every((id) => selection.includes(id));
}
