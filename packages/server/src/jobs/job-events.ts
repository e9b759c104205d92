import { jobRoom, type ProjectEvent, projectRoom, type ServerToClientEvents } from '@clapboard/shared/events';
import type { JobFinished, JobProgress } from '@clapboard/shared/jobs';
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

/** A project-level event such as `budget:warning` or `comment:created`, to `project:<id>`. */
export function emitProjectEvent(
  emitter: JobEmitter,
  name:
    | 'budget:warning'
    | 'member:changed'
    | 'approval:changed'
    | 'comment:created'
    | 'comment:updated'
    | 'comment:deleted'
    | 'lesson:created'
    | 'lesson:updated'
    | 'lesson:deleted'
    | 'lecture:created'
    | 'lecture:updated'
    | 'lecture:deleted'
    | 'consent:changed',
  event: ProjectEvent,
): void {
  emitter.to(projectRoom(event.projectId)).emit(name, event);
}
