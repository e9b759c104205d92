export { budgetFigures } from './budget';
export { cancelChannel, publishCancel } from './cancel-channel';
export { type CostEstimate, estimateCost, workerCost } from './estimate-cost';
export { finishJob } from './finish-job';
export { buildFlow, type FlowInput, flowJobIds, type PlannedStep, sequentialPlan } from './flow-plan';
export {
  createJobEmitter,
  DEFAULT_SOCKET_KEY,
  emitFinished,
  emitProgress,
  emitProjectEvent,
  type JobEmitter,
} from './job-events';
export { createJobQueues, type JobQueues } from './job-queues';
export { type JobRow, rowToJob } from './job-row';
export { countRenderScenes, pinRenderVersion, versionSceneCount } from './pin-render-version';
export { renderVideoPlan } from './render-plan';
export { bullJobId, FINALIZE_STEP, type StepData, stepDataSchema } from './step-data';
export {
  BudgetExceededError,
  EnqueueFailedError,
  reconcileQueuedJobs,
  type SubmitJobInput,
  type SubmitJobResult,
  submitJob,
} from './submit-job';
