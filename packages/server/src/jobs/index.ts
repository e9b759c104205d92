export { budgetFigures } from './budget';
export {
  CampaignBudgetExceededError,
  type CampaignMoney,
  type CampaignSoftNotice,
  campaignBudgetView,
  campaignMoney,
} from './campaign-budget';
export { cancelChannel, JobCancelledError, publishCancel } from './cancel-channel';
export { finishJob } from './finish-job';
export { buildFlow, type FlowInput, flowJobIds, rootJobId } from './flow-plan';
export {
  CAPABILITY_CACHE_MS,
  type Capabilities,
  CapabilityMissingError,
  createCapabilities,
  type JobCapabilities,
} from './job-capabilities';
export {
  announceJob,
  createJobEmitter,
  DEFAULT_SOCKET_KEY,
  emitFinished,
  emitProgress,
  emitProjectEvent,
  emitVariantChanged,
  type JobEmitter,
} from './job-events';
export {
  JOB_INPUTS,
  JobInputError,
  type JobInputs,
  jobInputsOf,
  PlanUnavailableError,
  type PreparedInputs,
} from './job-inputs';
export {
  clearOutbox,
  type DispatchOptions,
  type DispatchResult,
  dispatchOutbox,
  JOB_OUTBOX_CHANNEL,
  type JobDispatcher,
  type JobRunRef,
  OUTBOX_GRACE_MS,
  startJobDispatcher,
  sweepQueuedRuns,
} from './job-outbox';
export {
  createProgressTracker,
  type ProgressTracker,
  STEP_PROGRESS_CAP,
  type StepAdvance,
} from './job-progress';
export { createJobQueues, type JobQueues } from './job-queues';
export { type JobRow, rowToJob } from './job-row';
export * as jobStore from './job-store';
export { forgetLearnedWork, LEARN_WINDOW, learnedWork } from './learned-work';
export { pinRenderVersion, versionShotSeconds } from './pin-render-version';
export { type PlannedJob, planFor } from './plan-for';
export { STEP_BACKOFF, stepBackoff } from './step-backoff';
export { bullJobId, FINALIZE_STEP, type StepData, stepDataSchema } from './step-data';
export {
  type BatchedOutcome,
  type BatchedSubmit,
  createSubmitBatcher,
  SUBMIT_BATCH_IN_FLIGHT,
  SUBMIT_BATCH_MAX,
  type SubmitBatcher,
} from './submit-batch';
export {
  BudgetExceededError,
  checkBudget,
  EnqueueFailedError,
  NotRetryableError,
  retryJob,
  type SubmitJobInput,
  type SubmitJobResult,
  type SubmitQueues,
  submitJob,
} from './submit-job';
