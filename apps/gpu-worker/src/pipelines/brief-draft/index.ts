export {
  askForStoryboard,
  readStoryboardAnswer,
  storyboardFormat,
} from './ask-for-storyboard';
export { briefDraftPipeline, NO_CHAT_PROVIDER_FOR_BRIEFS } from './brief-draft-pipeline';
export { type StoryboardAsk, storyboardMessages, suggestedScenes } from './storyboard-messages';
