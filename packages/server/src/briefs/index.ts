export { BriefDraftError, scriptNotEmptyError } from './brief-draft-error';
export { type DraftableBrief, loadDraftableBrief } from './load-draftable-brief';
export {
  type LastDraft,
  type WriteStoryboardDraftInput,
  type WrittenDraft,
  writeStoryboardDraft,
} from './write-storyboard-draft';
