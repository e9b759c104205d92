import { DOC_KEYS } from '@clapboard/shared/document';
import * as Y from 'yjs';

/** The parts of a project document people read in a version preview or diff. */
export interface DocumentContent {
  /** The screenplay (Y.Text `script`). */
  script: string;
  /** Storyboard scenes (Y.Array `scenes` of Y.Map), each as plain JSON, in order. */
  scenes: Record<string, unknown>[];
}

/** Reads script text and scenes from a document; missing keys read as empty. */
export function readDocumentContent(doc: Y.Doc): DocumentContent {
  const script = doc.getText(DOC_KEYS.script).toString();
  const scenes: Record<string, unknown>[] = [];
  for (const item of doc.getArray<unknown>(DOC_KEYS.scenes).toArray()) {
    // Anything that is not a scene map (a stray value written by an old client) is skipped.
    if (item instanceof Y.Map) scenes.push(item.toJSON() as Record<string, unknown>);
  }
  return { script, scenes };
}

/** Decodes an encoded state (e.g. a stored version) into its content. Throws when corrupt. */
export function readStateContent(state: Uint8Array): DocumentContent {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return readDocumentContent(doc);
  } finally {
    doc.destroy();
  }
}
