import { z } from 'zod';
import { safeText } from './text';
import { lineChangeSchema } from './versions';

/**
 * Review and approval contracts: comments anchored to scenes, script ranges and render times,
 * per-scene approvals that go stale, and the per-user inbox. Comments and approvals live in
 * Postgres (they carry authority), never in the Y.Doc.
 */

const uuid = safeText().uuid();
const sceneId = safeText().min(1).max(64);
/** A normalized coordinate on a video frame: 0 is the left/top edge, 1 the right/bottom edge. */
const unit = z.number().min(0).max(1);

export const DRAWING_KINDS = ['line', 'arrow', 'rect', 'ellipse', 'path'] as const;

/** One vector shape drawn on a frame; points are normalized so they fit any player size. */
export const drawingShapeSchema = z
  .object({
    kind: z.enum(DRAWING_KINDS),
    points: z
      .array(z.tuple([unit, unit]))
      .min(1)
      .max(500),
    color: safeText().regex(/^#[0-9a-fA-F]{6}$/, 'a #rrggbb colour'),
  })
  .refine((s) => s.kind === 'path' || s.points.length === 2, {
    message: 'line, arrow, rect and ellipse take exactly two points',
    path: ['points'],
  });
export type DrawingShape = z.infer<typeof drawingShapeSchema>;

/** The most shapes one drawing holds (each at most 500 points). */
export const MAX_DRAWING_SHAPES = 50;
/**
 * The most bytes a drawing's JSON may take. With the rest of a `drawing:live` message (frame key,
 * project id, Socket.IO framing) it stays under SOCKET_MAX_MESSAGE_BYTES, so any drawing the schema
 * accepts can also be relayed live. Clients round points to 4 decimals to fit long pen strokes.
 */
export const MAX_DRAWING_JSON_BYTES = 48 * 1024;
/** A drawing on a frame (a storyboard frame or a video frame): pen (`path`), arrow, rectangle… */
export const drawingSchema = z
  .array(drawingShapeSchema)
  .max(MAX_DRAWING_SHAPES)
  .refine((d) => JSON.stringify(d).length <= MAX_DRAWING_JSON_BYTES, {
    message: `A drawing takes at most ${MAX_DRAWING_JSON_BYTES / 1024} KiB: draw fewer or shorter strokes.`,
  });
export type Drawing = z.infer<typeof drawingSchema>;

/** Base64 of `Y.encodeRelativePosition(...)`: survives edits around it. */
const relativePosition = z
  .string()
  .max(400)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64');

const projectAnchor = z.object({ kind: z.literal('project') });
/** A scene, optionally with a drawing on its storyboard frame. */
const sceneAnchor = z.object({ kind: z.literal('scene'), sceneId, drawing: drawingSchema.optional() });
/**
 * A range of the `script` Y.Text. Clients with the live document send `start`/`end` relative
 * positions; `from`/`to` (character offsets in the current text) are what the server resolves them
 * to, and what it encodes itself when a client sends only offsets.
 */
const scriptAnchorInput = z
  .object({
    kind: z.literal('script'),
    sceneId: sceneId.optional(),
    from: z.number().int().min(0),
    to: z.number().int().min(0),
    start: relativePosition.optional(),
    end: relativePosition.optional(),
  })
  .refine((a) => a.to >= a.from, { message: 'to must not be before from', path: ['to'] });
/** A time range of a render (its job) or of a video asset, optionally with a drawing on the frame. */
const mediaAnchor = z
  .object({
    kind: z.literal('media'),
    sceneId: sceneId.optional(),
    jobId: uuid.optional(),
    assetId: uuid.optional(),
    startSec: z.number().min(0).max(86_400),
    endSec: z.number().min(0).max(86_400).optional(),
    drawing: drawingSchema.optional(),
  })
  .refine((a) => a.jobId !== undefined || a.assetId !== undefined, {
    message: 'name the render (jobId) or the video (assetId)',
    path: ['jobId'],
  })
  .refine((a) => a.endSec === undefined || a.endSec >= a.startSec, {
    message: 'endSec must not be before startSec',
    path: ['endSec'],
  });

/** Where a new comment points. */
export const commentAnchorInputSchema = z.discriminatedUnion('kind', [
  projectAnchor,
  sceneAnchor,
  scriptAnchorInput,
  mediaAnchor,
]);
export type CommentAnchorInput = z.infer<typeof commentAnchorInputSchema>;

/** Where a comment points, as read: a script range resolved against the current document. */
export const commentAnchorSchema = z.discriminatedUnion('kind', [
  projectAnchor,
  sceneAnchor,
  z.object({
    kind: z.literal('script'),
    sceneId: sceneId.optional(),
    start: safeText(),
    end: safeText(),
    /** Current offsets in the script; null when the text it pointed at was deleted. */
    from: z.number().int().nullable(),
    to: z.number().int().nullable(),
    /** The text now between from and to (at most 200 characters). */
    quote: safeText(),
  }),
  mediaAnchor,
]);
export type CommentAnchor = z.infer<typeof commentAnchorSchema>;

/** A piece of a rendered comment body. Clients render these as text nodes: nothing is HTML. */
export const commentNodeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: safeText() }),
  z.object({ type: z.literal('bold'), text: safeText() }),
  z.object({ type: z.literal('italic'), text: safeText() }),
  z.object({ type: z.literal('code'), text: safeText() }),
  z.object({ type: z.literal('link'), text: safeText(), href: safeText() }),
  z.object({ type: z.literal('mention'), userId: uuid, name: safeText() }),
  z.object({ type: z.literal('break') }),
]);
export type CommentNode = z.infer<typeof commentNodeSchema>;

export const COMMENT_MAX_CHARS = 10_000;

export const createCommentBodySchema = z.object({
  /** Markdown-lite: **bold**, *italic*, `code`, [text](https://…), mentions as @[Name](user:<id>). */
  body: safeText().trim().min(1).max(COMMENT_MAX_CHARS),
  /** Reply to this comment (replies of replies attach to the thread's first comment). */
  parentId: uuid.optional(),
  anchor: commentAnchorInputSchema.optional(),
});
export type CreateCommentBody = z.infer<typeof createCommentBodySchema>;

/** Edit the text (author only) and/or resolve or reopen the thread (any commenter). */
export const updateCommentBodySchema = z
  .object({
    body: safeText().trim().min(1).max(COMMENT_MAX_CHARS).optional(),
    resolved: z.boolean().optional(),
  })
  .refine((b) => b.body !== undefined || b.resolved !== undefined, { message: 'nothing to change' });
export type UpdateCommentBody = z.infer<typeof updateCommentBodySchema>;

export const listCommentsQuerySchema = z.object({
  sceneId: sceneId.optional(),
  kind: z.enum(['project', 'scene', 'script', 'media']).optional(),
  jobId: uuid.optional(),
  assetId: uuid.optional(),
});

export const commentAuthorSchema = z.object({ id: uuid, name: safeText() });

export const commentSchema = z.object({
  id: uuid,
  projectId: uuid,
  parentId: uuid.nullable(),
  author: commentAuthorSchema.nullable(),
  /** The raw text as written (empty once deleted). */
  body: safeText(),
  /** The body parsed into safe pieces. */
  nodes: z.array(commentNodeSchema),
  /** The body as escaped HTML with only <strong>, <em>, <code>, <a href="http(s)…">, <br>. */
  html: safeText(),
  anchor: commentAnchorSchema,
  sceneId: safeText().nullable(),
  mentions: z.array(uuid),
  resolvedAt: safeText().nullable(),
  resolvedBy: uuid.nullable(),
  editedAt: safeText().nullable(),
  deletedAt: safeText().nullable(),
  createdAt: safeText(),
});
export type Comment = z.infer<typeof commentSchema>;

/** Socket.IO payload of `comment:created|updated|deleted` (inside ProjectEvent.payload). */
export const commentEventPayloadSchema = z.object({ comment: commentSchema });

export const APPROVAL_DECISIONS = ['approved', 'changes_requested'] as const;
export const approvalDecisionSchema = z.enum(APPROVAL_DECISIONS);
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;

export const createApprovalBodySchema = z.object({
  status: approvalDecisionSchema,
  note: safeText().trim().max(5000).optional(),
});

/** What an approval covers: the scene as the reviewer saw it. Hashed server-side. */
export const sceneReviewContentSchema = z.object({
  heading: safeText(),
  synopsis: safeText(),
  /** The scene's part of the script, heading to the next heading. */
  scriptText: safeText(),
  dialogue: z.array(
    z.object({ character: safeText(), text: safeText(), parenthetical: safeText().nullable().optional() }),
  ),
  frameAssetId: safeText().nullable(),
  shot: safeText(),
  camera: safeText(),
  durationSec: z.number(),
});
export type SceneReviewContent = z.infer<typeof sceneReviewContentSchema>;

/** One field that changed since an approval. */
export const reviewChangeSchema = z.object({
  field: safeText(),
  before: z.unknown(),
  after: z.unknown(),
});

export const approvalSchema = z.object({
  id: uuid,
  projectId: uuid,
  sceneId,
  status: approvalDecisionSchema,
  note: safeText().nullable(),
  reviewer: commentAuthorSchema.nullable(),
  contentHash: safeText(),
  content: sceneReviewContentSchema,
  createdAt: safeText(),
  /** The scene's current content hashes differently (or the scene is gone). */
  stale: z.boolean(),
  /** What changed since the decision, field by field (empty when not stale). */
  changes: z.array(reviewChangeSchema),
  /** Line diff of the scene's script text since the decision (empty when unchanged). */
  scriptDiff: z.array(lineChangeSchema),
});
export type Approval = z.infer<typeof approvalSchema>;

export const SCENE_REVIEW_STATUSES = ['approved', 'changes_requested', 'stale', 'not_reviewed'] as const;
export const sceneReviewStatusSchema = z.enum(SCENE_REVIEW_STATUSES);
export type SceneReviewStatus = z.infer<typeof sceneReviewStatusSchema>;

export const sceneReviewSchema = z.object({
  sceneId,
  index: z.number().int(),
  heading: safeText(),
  frameAssetId: safeText().nullable(),
  status: sceneReviewStatusSchema,
  /** The newest decision on the scene, with its staleness. */
  approval: approvalSchema.nullable(),
  comments: z.object({ total: z.number().int(), open: z.number().int() }),
});
export type SceneReview = z.infer<typeof sceneReviewSchema>;

export const reviewSummarySchema = z.object({
  projectId: uuid,
  requireApprovalForFinal: z.boolean(),
  counts: z.record(sceneReviewStatusSchema, z.number().int()),
  scenes: z.array(sceneReviewSchema),
});
export type ReviewSummary = z.infer<typeof reviewSummarySchema>;

/** `approval:changed` payload: a new decision, or a decision that went stale or fresh again. */
export const approvalChangedPayloadSchema = z.object({
  sceneId,
  reason: z.enum(['decided', 'stale', 'fresh']),
  approvalId: uuid,
});

/**
 * `cost_variance`: a job of a project you own cost more than COST_VARIANCE_ALERT over its estimate;
 * `budget_soft_limit`: a campaign you own passed a soft limit (once per limit and campaign day).
 */
export const NOTIFICATION_KINDS = [
  'mention',
  'reply',
  'approval',
  'render_finished',
  'variant_decision',
  'cost_variance',
  'budget_soft_limit',
] as const;
export const notificationKindSchema = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof notificationKindSchema>;

export const notificationSchema = z.object({
  id: uuid,
  kind: notificationKindSchema,
  projectId: uuid.nullable(),
  /** Kind-specific: commentId, sceneId, status, jobId, actor name, a short excerpt. */
  payload: z.record(safeText(), z.unknown()),
  readAt: safeText().nullable(),
  createdAt: safeText(),
});
export type Notification = z.infer<typeof notificationSchema>;

export const notificationsPageSchema = z.object({
  items: z.array(notificationSchema),
  unread: z.number().int(),
});
export type NotificationsPage = z.infer<typeof notificationsPageSchema>;

export const markNotificationsReadBodySchema = z
  .object({ ids: z.array(uuid).max(500).optional(), all: z.boolean().optional() })
  .refine((b) => (b.ids?.length ?? 0) > 0 || b.all === true, { message: 'give ids or all: true' });

/** `GET /projects/:id/comments`: every comment of the project. */
export const commentListSchema = z.object({ items: z.array(commentSchema) });
/** `POST /projects/:id/comments` (201) and `PATCH /comments/:id`: the comment as stored. */
export const commentResponseSchema = z.object({ comment: commentSchema });
/** `POST /projects/:id/scenes/:sceneId/approvals` (201): the decision as stored. */
export const approvalResponseSchema = z.object({ approval: approvalSchema });
/** `POST /notifications/read`: how many stay unread. */
export const notificationsReadResponseSchema = z.object({ unread: z.number().int() });
