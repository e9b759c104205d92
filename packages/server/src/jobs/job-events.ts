import {
  jobRoom,
  type ProjectEvent,
  type ProjectEventOf,
  projectRoom,
  type ServerToClientEvents,
  variantsRoom,
} from '@clapboard/shared/events';
import type { Job, JobFinished, JobProgress } from '@clapboard/shared/jobs';
import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';

/** The Redis key Socket.IO's adapter and emitters share; tests set their own. */
export const DEFAULT_SOCKET_KEY = 'socket.io';

export type JobEmitter = Emitter<ServerToClientEvents>;

/** Emits Socket.IO events from any process (API, worker) through Redis. */
export function createJobEmitter(redis: Redis, key = DEFAULT_SOCKET_KEY): JobEmitter {
  return new Emitter<ServerToClientEvents>(redis, { key });
}

/** `job:progress` to the job's room and the project's room. */
export function emitProgress(emitter: JobEmitter, projectId: string, event: JobProgress): void {
  emitter.to([jobRoom(event.jobId), projectRoom(projectId)]).emit('job:progress', event);
}

/** `job:finished` to the job's room and the project's room. */
export function emitFinished(emitter: JobEmitter, projectId: string, event: JobFinished): void {
  emitter.to([jobRoom(event.jobId), projectRoom(projectId)]).emit('job:finished', event);
}

/**
 * A project-level event to `project:<id>`; its `type` is the Socket.IO event name, so name and
 * payload cannot disagree (the union in `@clapboard/shared/events` types both).
 */
export function emitProjectEvent(emitter: JobEmitter, event: ProjectEvent): void {
  (emitter.to(projectRoom(event.projectId)) as unknown as { emit(name: string, e: ProjectEvent): void }).emit(
    event.type,
    event,
  );
}

/**
 * `variant:changed` for each of `variantIds`: to `project:<id>` always, and to `variants:<id>` (the
 * project's client guests) when what changed is visible to the client (`clientVisible`: a
 * decision, a render, a comment marked for the client; not an internal comment).
 */
export function emitVariantChanged(
  emitter: JobEmitter,
  projectId: string,
  variantIds: readonly string[],
  reason: ProjectEventOf<'variant:changed'>['payload']['reason'],
  clientVisible: boolean,
): void {
  const rooms = clientVisible ? [projectRoom(projectId), variantsRoom(projectId)] : [projectRoom(projectId)];
  const at = new Date().toISOString();
  for (const variantId of variantIds) {
    const event: ProjectEvent = { projectId, type: 'variant:changed', payload: { variantId, reason }, at };
    (emitter.to(rooms) as unknown as { emit(name: string, e: ProjectEvent): void }).emit(event.type, event);
  }
}

/** `job:created` (submitted) or `job:updated` (retried, re-prioritised, cancel asked) to `project:<id>`. */
export function announceJob(
  emitter: JobEmitter | undefined,
  type: 'job:created' | 'job:updated',
  job: Job,
): void {
  if (emitter)
    emitProjectEvent(emitter, {
      projectId: job.projectId,
      type,
      payload: { job },
      at: new Date().toISOString(),
    });
}
