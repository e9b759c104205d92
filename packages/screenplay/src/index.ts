export { applySceneSync } from './apply-scene-sync';
export { type CastGender, castGender, genderInText, introductionNotes } from './cast-gender';
export { confirmRemoval } from './confirm-removal';
export { decodeScriptFile } from './decode-script-file';
export { dedupeScenes } from './dedupe-scenes';
export { describeSceneSync, type SceneSyncPreview } from './describe-scene-sync';
export {
  type BannedInBrief,
  bannedWordMatcher,
  bannedWordsInBrief,
  checkDraftRules,
  type DraftRules,
  draftRules,
  findBannedWords,
  normalizeSpoken,
} from './draft-rules';
export { type DraftSceneFields, draftToFountain } from './draft-to-fountain';
export { exportFdx } from './export-fdx';
export {
  exportShootingScript,
  SHOOTING_SCRIPT_LAYOUT,
  type ShootingScriptOptions,
} from './export-shooting-script';
export {
  type DialogueLine,
  extractScenes,
  parseSceneHeading,
  type SceneSetting,
  type ScriptScene,
} from './extract-scenes';
export { fitDurations } from './fit-durations';
export { formatTitlePage, PAGE_LINES, PAGE_WIDTH } from './format-title-page';
export type * from './fountain-ast';
export { importFdx } from './import-fdx';
export {
  detectScriptFormat,
  type ImportedScript,
  importScript,
  summarizeScript,
} from './import-script';
export { type CharacterSummary, listCharacters } from './list-characters';
export {
  type PaginatedScreenplay,
  type PaginateOptions,
  paginateScreenplay,
  type ScreenplayPage,
} from './paginate-screenplay';
export { parseFountain } from './parse-fountain';
export { type InlineNode, parseInline, plainText } from './parse-inline';
export {
  childElements,
  decodeEntities,
  parseXml,
  textContent,
  type XmlElement,
  XmlError,
  type XmlNode,
} from './parse-xml';
export {
  type DerivedSceneFields,
  type PlanSceneSyncOptions,
  planSceneSync,
  type SceneSyncChange,
  type SceneSyncPlan,
  storedDialogue,
} from './plan-scene-sync';
export {
  type CastMember,
  CHARACTERS_KEY,
  castName,
  charactersMap,
  findCharacterKey,
  readCast,
} from './read-cast';
export {
  ACTION_WORDS_PER_SECOND,
  countWords,
  DIALOGUE_WORDS_PER_SECOND,
  estimateSceneSeconds,
  MIN_SCENE_SECONDS,
} from './reading-pace';
export {
  deleteScene,
  docFromState,
  insertScene,
  migrateSceneLayout,
  moveScene,
  observeScenes,
  readScenes,
  replaceScenes,
  type SceneEntry,
  type SceneRecord,
  sceneData,
  sceneEntries,
  sceneJson,
  sceneMap,
  sceneOrder,
} from './scene-record';
export { ScriptImportError, type ScriptImportErrorCode } from './script-import-error';
export { serializeElement, serializeFountain } from './serialize-fountain';
export { wrapText } from './shooting-script-layout';
export { stampVersion, VERSION_KEY } from './stamp-version';
export { previewSceneSync, syncScenesFromScript } from './sync-scenes-from-script';
export { BriefRulesError, templateDraft } from './template-draft';
export { isLayoutText, markdownToFountain, plainTextToFountain } from './text-to-fountain';
export { type CharacterPatch, updateCharacter } from './update-character';
export { escapeXml, openTag } from './write-xml';
