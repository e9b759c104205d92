import { z } from 'zod';
import { lectureSchema } from './highlights';
import { budgetFiguresSchema, type Job, type JobFinished, type JobProgress, jobSchema } from './jobs';
import { consentSchema, lessonSchema } from './lessons';
import { commentSchema, drawingSchema, notificationKindSchema } from './review';
import { safeText } from './text';

export const jobWatchSchema = z.object({ jobId: safeText().uuid() });
export const projectWatchSchema = z.object({ projectId: safeText().uuid() });

/** Why a watch was refused: a closed list both ends compile against. */
export const WATCH_ERROR_CODES = ['not_found', 'validation_failed', 'internal'] as const;
export const watchErrorCodeSchema = z.enum(WATCH_ERROR_CODES);
export type WatchErrorCode = z.infer<typeof watchErrorCodeSchema>;

/** Acknowledgement of a watch: the current state from Postgres, so a late joiner never shows stale data. */
export type WatchAck<T> =
  | ({ ok: true } & T)
  | { ok: false; error: { code: WatchErrorCode; message: string } };

const envelope = <T extends string, P extends z.ZodType>(type: T, payload: P) =>
  z.object({ projectId: safeText().uuid(), type: z.literal(type), payload, at: safeText().max(64) });

const approvalChange = z.object({
  sceneId: safeText().max(64),
  approvalId: safeText().uuid(),
  /** `decided`: someone approved or asked for changes; `stale`/`fresh`: the approved content changed or came back. */
  reason: z.enum(['decided', 'stale', 'fresh']),
});

/**
 * A drawing in progress on a frame, before it is posted with a comment: `frame` names what is drawn
 * on (`scene:<sceneId>` for a storyboard frame, `job:<id>@<sec>` / `asset:<id>@<sec>` for a video
 * frame), `shapes` is the whole drawing so far (not a delta: a lost message loses nothing), and
 * `ended` says the author posted or discarded it, so others clear it.
 */
export const liveDrawingSchema = z.object({
  frame: safeText()
    .max(120)
    .regex(/^(scene:[^\s@]{1,64}|(job|asset):[0-9a-f-]{36}@\d{1,5}(\.\d{1,3})?)$/, 'a frame key'),
  shapes: drawingSchema,
  ended: z.boolean(),
});
/** What a client sends while drawing (`drawing:live`); the server adds who drew it. */
export const liveDrawingInputSchema = liveDrawingSchema.extend({ projectId: safeText().uuid() });
export type LiveDrawingInput = z.infer<typeof liveDrawingInputSchema>;

/**
 * Every project-level event, to `project:<id>`: a union tagged by `type`, which is also its
 * Socket.IO event name. Senders build one of these (the compiler checks the payload against the
 * type); receivers parse it with this schema and handle each type (see `ProjectEventHandlers`).
 */
export const projectEventSchema = z.discriminatedUnion('type', [
  envelope('comment:created', z.object({ comment: commentSchema })),
  envelope('comment:updated', z.object({ comment: commentSchema })),
  envelope('comment:deleted', z.object({ comment: commentSchema })),
  envelope('approval:changed', approvalChange),
  envelope(
    'budget:warning',
    z.object({ jobId: safeText().uuid(), message: safeText().max(500), figures: budgetFiguresSchema }),
  ),
  envelope('lesson:created', z.object({ lesson: lessonSchema })),
  envelope('lesson:updated', z.object({ lesson: lessonSchema })),
  envelope('lesson:deleted', z.object({ lesson: lessonSchema })),
  envelope('lecture:created', z.object({ lecture: lectureSchema })),
  envelope('lecture:updated', z.object({ lecture: lectureSchema })),
  envelope('lecture:deleted', z.object({ lecture: lectureSchema })),
  envelope('consent:changed', z.object({ consent: consentSchema, change: z.enum(['recorded', 'revoked']) })),
  /** A job was submitted (its record as `GET /jobs/:id` answers). */
  envelope('job:created', z.object({ job: jobSchema })),
  /** A job was retried, re-prioritised or asked to cancel (its progress and end have their own events). */
  envelope('job:updated', z.object({ job: jobSchema })),
  /** Someone is drawing on a frame (relayed to the other members in the room, never stored). */
  envelope('drawing:live', liveDrawingSchema.extend({ userId: safeText().uuid() })),
]);
export type ProjectEvent = z.infer<typeof projectEventSchema>;
export type ProjectEventType = ProjectEvent['type'];
export type ProjectEventOf<T extends ProjectEventType> = Extract<ProjectEvent, { type: T }>;
/** Every project event type, for receivers that listen to all of them. */
export const PROJECT_EVENT_TYPES: readonly ProjectEventType[] = projectEventSchema.options.map(
  (o) => o.shape.type.value,
);
/** One handler per project event type: a table of these is exhaustive by construction. */
export type ProjectEventHandlers = { [T in ProjectEventType]: (event: ProjectEventOf<T>) => void };

/** A new notification for its user, to `user:<id>`. */
export const notificationEventSchema = z.object({
  id: safeText().uuid(),
  kind: notificationKindSchema,
  projectId: safeText().uuid().nullable(),
  payload: z.unknown(),
  at: safeText().max(64),
});
export type NotificationEvent = z.infer<typeof notificationEventSchema>;

/** Events the server sends. Declared once; passed as generics to `Server` and `io()`. */
export type ServerToClientEvents = ProjectEventHandlers & {
  'job:progress': (event: JobProgress) => void;
  'job:finished': (event: JobFinished) => void;
  'notification:new': (event: NotificationEvent) => void;
};

/** Events a client sends; each acknowledges with the current state or an error. */
export interface ClientToServerEvents {
  'job:watch': (req: { jobId: string }, ack: (res: WatchAck<{ job: Job }>) => void) => void;
  'job:unwatch': (req: { jobId: string }) => void;
  'project:watch': (req: { projectId: string }, ack: (res: WatchAck<{ projectId: string }>) => void) => void;
  'project:unwatch': (req: { projectId: string }) => void;
  /** Relayed as the `drawing:live` project event to the room's other sockets; needs `comments:write`. */
  'drawing:live': (req: LiveDrawingInput) => void;
}

export const jobRoom = (jobId: string) => `job:${jobId}`;
export const projectRoom = (projectId: string) => `project:${projectId}`;
export const userRoom = (userId: string) => `user:${userId}`;

export { jobSchema };
