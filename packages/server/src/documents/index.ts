export { appendUpdateRows, appendUpdates, type InsertedRow, type UpdateRow } from './append-updates';
export { buildRestoreUpdate, restoreUpdateFromStates } from './build-restore-update';
export { buildScriptImportUpdate } from './build-script-import-update';
export {
  type CompactionResult,
  compactDocument,
  compactLiveDocument,
  type LiveCompaction,
} from './compact-document';
export { diffLines, type LineChange } from './diff-lines';
export { diffScenes, type SceneDiff } from './diff-scenes';
export {
  DOC_CHANNEL_MESSAGE,
  type DocChannelKind,
  type DocChannelMessage,
  decodeDocChannelMessage,
  docChannel,
  encodeDocChannelMessage,
  publishDocUpdate,
  STORED_HASH_BYTES,
  updateHash,
} from './doc-channel';
export {
  type LoadedDocument,
  loadDocument,
  loadDocumentState,
  type StoredDocumentState,
} from './load-document';
export {
  DOCUMENT_MERGE_DEFAULTS,
  documentMergeStats,
  mergeDocumentState,
  mergeDocumentStateOffThread,
} from './merge-document-state';
export { type DocumentContent, readDocumentContent, readStateContent } from './read-document-content';
export { replaceText } from './replace-text';
