export { askForDraft, draftFormat } from './ask-for-draft';
export { lessonDraftPipeline, NO_CHAT_PROVIDER_REASON } from './lesson-draft-pipeline';
export { readDraftAnswer } from './read-draft-answer';
