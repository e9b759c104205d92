import { docFromState, sceneJson } from '@clapboard/screenplay';
import { DOC_KEYS } from '@clapboard/shared/document';
import type * as Y from 'yjs';

/** The parts of a project document people read in a version preview or diff. */
export interface DocumentContent {
  /** The screenplay (Y.Text `script`). */
  script: string;
  /** Storyboard scenes, each as plain JSON, in storyboard order (`sceneJson`). */
  scenes: Record<string, unknown>[];
}

/** Reads script text and scenes from a document; missing keys read as empty. */
export function readDocumentContent(doc: Y.Doc): DocumentContent {
  const script = doc.getText(DOC_KEYS.script).toString();
  return { script, scenes: sceneJson(doc) };
}

/**
 * Decodes an encoded state (e.g. a stored version, maybe in the old scene layout) into its content.
 * Throws when corrupt.
 */
export function readStateContent(state: Uint8Array): DocumentContent {
  const doc = docFromState(state);
  try {
    return readDocumentContent(doc);
  } finally {
    doc.destroy();
  }
}
