export { diffReviewContent, type ReviewContentDiff } from './diff-review-content';
export { hashSceneContent } from './hash-scene-content';
export { type ApprovalRow, assessApproval, assessDecisions, latestDecisions } from './review-state';
export { type ReviewableScene, sceneReviewContents } from './scene-review-content';
export { encodeScriptAnchor, isRelativePosition, resolveScriptAnchor } from './script-anchor';
export {
  SCRIPT_PARSE_DEFAULTS,
  type ScriptSceneRange,
  scriptParseStats,
  scriptSceneRanges,
} from './script-scene-ranges';
