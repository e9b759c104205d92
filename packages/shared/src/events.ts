import { z } from 'zod';
import { lectureSchema } from './highlights';
import { budgetFiguresSchema, type JobFinished, type JobProgress, jobSchema } from './jobs';
import { consentSchema, lessonSchema } from './lessons';
import { commentSchema, drawingSchema, notificationKindSchema } from './review';
import { safeText } from './text';

/** Why a watch was refused: a closed list both ends compile against. */
export const WATCH_ERROR_CODES = ['not_found', 'validation_failed', 'internal'] as const;
export const watchErrorCodeSchema = z.enum(WATCH_ERROR_CODES);
export type WatchErrorCode = z.infer<typeof watchErrorCodeSchema>;

// ---------- Client → server ----------

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

/**
 * Every request a client sends: a union tagged by `type`, which is also its Socket.IO event name
 * (the body repeats it, so a body sent under another name is refused). The realtime server parses
 * each with this schema and handles it in one exhaustive `switch`.
 */
export const clientRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job:watch'), jobId: safeText().uuid() }),
  z.object({ type: z.literal('job:unwatch'), jobId: safeText().uuid() }),
  z.object({ type: z.literal('project:watch'), projectId: safeText().uuid() }),
  z.object({ type: z.literal('project:unwatch'), projectId: safeText().uuid() }),
  /** Relayed as the `drawing:live` project event to the room's other sockets; needs `comments:write`. */
  liveDrawingInputSchema.extend({ type: z.literal('drawing:live') }),
]);
export type ClientRequest = z.infer<typeof clientRequestSchema>;
export type ClientRequestType = ClientRequest['type'];
export type ClientRequestOf<T extends ClientRequestType> = Extract<ClientRequest, { type: T }>;
/** What a client sends while drawing. */
export type LiveDrawingInput = ClientRequestOf<'drawing:live'>;
export const CLIENT_REQUEST_TYPES: readonly ClientRequestType[] = clientRequestSchema.options.map(
  (o) => o.shape.type.value,
);

/** The request `body` that arrived as Socket.IO event `name`; `null` when it is not that request. */
export function parseClientRequest(name: string, body: unknown): ClientRequest | null {
  const parsed = clientRequestSchema.safeParse(body);
  return parsed.success && parsed.data.type === name ? parsed.data : null;
}

const watchRefusalSchema = z.object({
  ok: z.literal(false),
  error: z.object({ code: watchErrorCodeSchema, message: safeText().max(500) }),
});
export type WatchRefusal = z.infer<typeof watchRefusalSchema>;

/** Acknowledgement of `job:watch`: the job's current state from Postgres, so a late joiner never shows stale data. */
export const jobWatchAckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), job: jobSchema }),
  watchRefusalSchema,
]);
export type JobWatchAck = z.infer<typeof jobWatchAckSchema>;

/** Acknowledgement of `project:watch`. */
export const projectWatchAckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), projectId: safeText().uuid() }),
  watchRefusalSchema,
]);
export type ProjectWatchAck = z.infer<typeof projectWatchAckSchema>;

/** Which requests are acknowledged, and with what; an unwatch is not. */
export interface ClientRequestAcks {
  'job:watch': JobWatchAck;
  'project:watch': ProjectWatchAck;
}

/** Why the Socket.IO handshake was refused: `connect_error`'s `data.code`. */
export const CONNECT_ERROR_CODES = ['unauthorized', 'ticket_expired'] as const;
export const connectErrorCodeSchema = z.enum(CONNECT_ERROR_CODES);
export type ConnectErrorCode = z.infer<typeof connectErrorCodeSchema>;

/** The default of an exhaustive `switch` over a union: it compiles only when every member is handled. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled member: ${JSON.stringify(value)}`);
}

// ---------- Server → client ----------

const envelope = <T extends string, P extends z.ZodType>(type: T, payload: P) =>
  z.object({ projectId: safeText().uuid(), type: z.literal(type), payload, at: safeText().max(64) });

const approvalChange = z.object({
  sceneId: safeText().max(64),
  approvalId: safeText().uuid(),
  /** `decided`: someone approved or asked for changes; `stale`/`fresh`: the approved content changed or came back. */
  reason: z.enum(['decided', 'stale', 'fresh']),
});

/**
 * A resumable upload stopped assembling: `completed` (`assetId` names the new asset), `open`
 * (assembling failed; the chunks are kept and a zero-byte PATCH at the end tries again) or
 * `deleted` (the file was refused and removed with its bytes).
 */
export const uploadSettledPayloadSchema = z.object({
  uploadId: safeText().uuid(),
  status: z.enum(['completed', 'open', 'deleted']),
  assetId: safeText().uuid().nullable(),
});
export type UploadSettledPayload = z.infer<typeof uploadSettledPayloadSchema>;

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
  /** A job of the project cost more than COST_VARIANCE_ALERT over its estimate (once per job). */
  envelope(
    'cost:variance',
    z.object({
      jobId: safeText().uuid(),
      type: safeText().max(64),
      estimateUsd: z.number(),
      actualUsd: z.number(),
      campaignId: safeText().uuid().nullable(),
    }),
  ),
  envelope('lesson:created', z.object({ lesson: lessonSchema })),
  envelope('lesson:updated', z.object({ lesson: lessonSchema })),
  envelope('lesson:deleted', z.object({ lesson: lessonSchema })),
  envelope('lecture:created', z.object({ lecture: lectureSchema })),
  envelope('lecture:updated', z.object({ lecture: lectureSchema })),
  envelope('lecture:deleted', z.object({ lecture: lectureSchema })),
  envelope('consent:changed', z.object({ consent: consentSchema, change: z.enum(['recorded', 'revoked']) })),
  envelope('upload:settled', uploadSettledPayloadSchema),
  /** A job was submitted (its record as `GET /jobs/:id` answers). */
  envelope('job:created', z.object({ job: jobSchema })),
  /** A job was retried, re-prioritised or asked to cancel (its progress and end have their own events). */
  envelope('job:updated', z.object({ job: jobSchema })),
  /**
   * A platform variant was created, decided on, commented on or finished rendering, or the brand
   * kit its campaign renders with changed (`kit`: its `stale` may have turned). Read it again.
   */
  envelope(
    'variant:changed',
    z.object({
      variantId: safeText().uuid(),
      reason: z.enum(['created', 'decided', 'commented', 'rendered', 'kit']),
    }),
  ),
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
  /** A `variants`-scoped socket is in its project's `variants:<id>` room (live from now on). */
  'variants:ready': (event: { projectId: string }) => void;
};

/** Socket.IO's map of what a client sends, derived from the request union and its acks. */
export type ClientToServerEvents = {
  [T in ClientRequestType]: T extends keyof ClientRequestAcks
    ? (req: ClientRequestOf<T>, ack: (res: ClientRequestAcks[T]) => void) => void
    : (req: ClientRequestOf<T>) => void;
};

export const jobRoom = (jobId: string) => `job:${jobId}`;
export const projectRoom = (projectId: string) => `project:${projectId}`;
export const userRoom = (userId: string) => `user:${userId}`;
/**
 * A project's client-visible variant events (`variant:changed` for decisions, client-visible
 * comments, renders): what a client guest's `variants`-scoped socket is put in. Staff hear the
 * same events, and the internal ones, in `project:<id>`.
 */
export const variantsRoom = (projectId: string) => `variants:${projectId}`;

export { jobSchema };
