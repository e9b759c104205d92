import type * as Y from 'yjs';

/**
 * Makes `text` read `to` by replacing only what lies between the common prefix and suffix, so
 * cursors and comment anchors outside the changed span survive. Call it inside a transaction.
 *
 * @returns whether anything changed
 */
export function replaceText(text: Y.Text, to: string): boolean {
  const from = text.toString();
  if (from === to) return false;
  let prefix = 0;
  const max = Math.min(from.length, to.length);
  while (prefix < max && from[prefix] === to[prefix]) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && from[from.length - 1 - suffix] === to[to.length - 1 - suffix]) suffix++;
  text.delete(prefix, from.length - prefix - suffix);
  text.insert(prefix, to.slice(prefix, to.length - suffix));
  return true;
}
