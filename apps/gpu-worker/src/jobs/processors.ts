import type { Logger } from '@clapboard/server/logger';
import type { JobType } from '@clapboard/shared/jobs';
import type { Job } from 'bullmq';

/** Handles one BullMQ job of a given type; throws UnrecoverableError on bad input. */
export type Processor = (job: Job, ctx: { log: Logger; signal: AbortSignal }) => Promise<unknown>;

/** Job type (or step name within a flow) → processor. Pipelines register here. */
export type ProcessorMap = Partial<Record<JobType | string, Processor>>;
