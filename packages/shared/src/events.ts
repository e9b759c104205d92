import { z } from 'zod';
import { type Job, type JobFinished, type JobProgress, jobSchema } from './jobs';
import { safeText } from './text';

export const jobWatchSchema = z.object({ jobId: safeText().uuid() });
export const projectWatchSchema = z.object({ projectId: safeText().uuid() });

/** Acknowledgement of a watch: the current state from Postgres, so a late joiner never shows stale data. */
export type WatchAck<T> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };

/** A project-level event: comments, approvals, jobs, budget warnings. */
export const projectEventSchema = z.object({
  projectId: safeText().uuid(),
  type: safeText().max(64),
  payload: z.unknown(),
  at: safeText(),
});
export type ProjectEvent = z.infer<typeof projectEventSchema>;

/** Events the server sends. Declared once; passed as generics to `Server` and `io()`. */
export interface ServerToClientEvents {
  'job:progress': (event: JobProgress) => void;
  'job:finished': (event: JobFinished) => void;
  'job:created': (event: { projectId: string; job: Job }) => void;
  'job:updated': (event: { projectId: string; job: Job }) => void;
  'comment:created': (event: ProjectEvent) => void;
  'comment:updated': (event: ProjectEvent) => void;
  'comment:deleted': (event: ProjectEvent) => void;
  'approval:changed': (event: ProjectEvent) => void;
  'budget:warning': (event: ProjectEvent) => void;
  'member:changed': (event: ProjectEvent) => void;
  /** A lesson was created, renamed or deleted (payload `{ lesson }`, a `Lesson`). */
  'lesson:created': (event: ProjectEvent) => void;
  'lesson:updated': (event: ProjectEvent) => void;
  'lesson:deleted': (event: ProjectEvent) => void;
  /** A lecture was created, renamed or deleted (payload `{ lecture }`, a `Lecture`). */
  'lecture:created': (event: ProjectEvent) => void;
  'lecture:updated': (event: ProjectEvent) => void;
  'lecture:deleted': (event: ProjectEvent) => void;
  /** A consent was recorded or revoked (payload `{ consent }`, a `Consent`). */
  'consent:changed': (event: ProjectEvent) => void;
  'notification:new': (event: {
    id: string;
    kind: string;
    projectId: string | null;
    payload: unknown;
    at: string;
  }) => void;
}

/** Events a client sends; each acknowledges with the current state or an error. */
export interface ClientToServerEvents {
  'job:watch': (req: { jobId: string }, ack: (res: WatchAck<{ job: Job }>) => void) => void;
  'job:unwatch': (req: { jobId: string }) => void;
  'project:watch': (req: { projectId: string }, ack: (res: WatchAck<{ projectId: string }>) => void) => void;
  'project:unwatch': (req: { projectId: string }) => void;
}

export const jobRoom = (jobId: string) => `job:${jobId}`;
export const projectRoom = (projectId: string) => `project:${projectId}`;
export const userRoom = (userId: string) => `user:${userId}`;

export { jobSchema };
