import type { FountainDocument } from './fountain-ast';

/** The title-page key every exported script carries its version under. */
export const VERSION_KEY = 'Version';

/**
 * Returns `doc` with a `Version: <stamp>` title-page entry (replacing an earlier one), so Fountain,
 * FDX and printed exports all say which pinned version they were made from. The input is not changed.
 */
export function stampVersion(doc: FountainDocument, stamp: string): FountainDocument {
  const range = { start: 0, end: 0, startLine: 1, endLine: 1 };
  return {
    ...doc,
    titlePage: [
      ...doc.titlePage.filter((e) => e.key.toLowerCase() !== VERSION_KEY.toLowerCase()),
      { key: VERSION_KEY, values: [stamp], range },
    ],
  };
}
