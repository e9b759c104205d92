import { describe, expect, it } from 'vitest';
import {
  assertNever,
  CLIENT_REQUEST_TYPES,
  type ClientRequest,
  clientRequestSchema,
  jobWatchAckSchema,
  type ProjectEvent,
  parseClientRequest,
  projectEventSchema,
  projectWatchAckSchema,
  WATCH_ERROR_CODES,
} from './events';

const projectId = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
const jobId = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';
const uploadId = 'aa1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';
const at = '2026-12-05T23:00:00.000Z';

describe('clientRequestSchema', () => {
  it('accepts each request under its own name', () => {
    const requests = [
      { type: 'job:watch', jobId },
      { type: 'job:unwatch', jobId },
      { type: 'project:watch', projectId },
      { type: 'project:unwatch', projectId },
      {
        type: 'drawing:live',
        projectId,
        frame: 'scene:s1',
        shapes: [
          {
            kind: 'arrow',
            color: '#ff3b30',
            points: [
              [0.1, 0.2],
              [0.3, 0.4],
            ],
          },
        ],
        ended: false,
      },
    ];
    expect(requests.map((r) => r.type)).toEqual(CLIENT_REQUEST_TYPES);
    for (const req of requests) expect(parseClientRequest(req.type, req)).toEqual(req);
  });

  it('rejects an unknown `type`, a missing one, and a malformed body', () => {
    expect(clientRequestSchema.safeParse({ type: 'project:delete', projectId }).success).toBe(false);
    expect(clientRequestSchema.safeParse({ projectId }).success).toBe(false);
    expect(clientRequestSchema.safeParse({ type: 'job:watch', jobId: 'nope' }).success).toBe(false);
    expect(clientRequestSchema.safeParse({ type: 'job:watch', projectId }).success).toBe(false);
  });

  it('a body sent under another event name is not that request', () => {
    expect(parseClientRequest('project:watch', { type: 'job:watch', jobId })).toBeNull();
    expect(parseClientRequest('project:watch', { projectId })).toBeNull();
  });
});

describe('watch acknowledgements', () => {
  it('refuse only with a code from the closed list', () => {
    expect(WATCH_ERROR_CODES).toEqual(['not_found', 'validation_failed', 'internal']);
    const refusal = { ok: false, error: { code: 'not_found', message: 'Not found.' } };
    expect(projectWatchAckSchema.parse(refusal)).toEqual(refusal);
    expect(jobWatchAckSchema.parse(refusal)).toEqual(refusal);
    const teapot = { ok: false, error: { code: 'teapot', message: 'Short and stout.' } };
    expect(projectWatchAckSchema.safeParse(teapot).success).toBe(false);
    expect(jobWatchAckSchema.safeParse(teapot).success).toBe(false);
  });

  it('a success carries its own shape, not another acknowledgement’s', () => {
    expect(projectWatchAckSchema.parse({ ok: true, projectId })).toEqual({ ok: true, projectId });
    expect(jobWatchAckSchema.safeParse({ ok: true, projectId }).success).toBe(false);
    expect(jobWatchAckSchema.safeParse({ ok: true, job: { id: jobId } }).success).toBe(false);
    expect(projectWatchAckSchema.safeParse({ ok: 'yes', projectId }).success).toBe(false);
  });
});

describe('the project events added here', () => {
  const settled = {
    type: 'upload:settled',
    projectId,
    payload: { uploadId, status: 'completed', assetId: jobId },
    at,
  };

  it('upload:settled parses, and refuses an unknown status or a missing asset field', () => {
    expect(projectEventSchema.parse(settled)).toEqual(settled);
    expect(
      projectEventSchema.safeParse({ ...settled, payload: { ...settled.payload, status: 'lost' } }).success,
    ).toBe(false);
    expect(projectEventSchema.safeParse({ ...settled, payload: { uploadId, status: 'open' } }).success).toBe(
      false,
    );
  });

  it('job:created and job:updated carry a whole job record', () => {
    expect(
      projectEventSchema.safeParse({ type: 'job:created', projectId, payload: { job: { id: jobId } }, at })
        .success,
    ).toBe(false);
    expect(projectEventSchema.safeParse({ type: 'job:updated', projectId, payload: {}, at }).success).toBe(
      false,
    );
  });
});

describe('exhaustive handling', () => {
  // Compile-time checks (the package typecheck covers test files): a switch that misses a member
  // does not compile, because the member left over is not assignable to `never`.
  function subjectOf(req: ClientRequest): string {
    switch (req.type) {
      case 'job:watch':
      case 'job:unwatch':
        return req.jobId;
      case 'project:watch':
      case 'project:unwatch':
      case 'drawing:live':
        return req.projectId;
      default:
        return assertNever(req);
    }
  }
  function jobOf(event: ProjectEvent): string | null {
    switch (event.type) {
      case 'job:created':
      case 'job:updated':
        return event.payload.job.id;
      default:
        // @ts-expect-error — the other project events are not handled, so `event` is not `never` here.
        return assertNever(event);
    }
  }

  it('assertNever throws on what the compiler was told cannot happen', () => {
    expect(subjectOf({ type: 'job:watch', jobId })).toBe(jobId);
    expect(() => subjectOf({ type: 'job:delete' } as unknown as ClientRequest)).toThrow(/Unhandled member/);
    expect(() => jobOf(projectEventSchema.parse(settled()))).toThrow(/Unhandled member/);
  });
  const settled = () => ({
    type: 'upload:settled',
    projectId,
    payload: { uploadId, status: 'open', assetId: null },
    at,
  });
});
