import type { JobTypeInfo } from '@clapboard/shared/jobs';
import { type Consent, lessonContentSchema } from '@clapboard/shared/lessons';
import { describe, expect, it } from 'vitest';
import { actionAvailability, renderBlocker } from './lesson-readiness';

const PORTRAIT = '11111111-1111-4111-8111-111111111111';
const CONSENT = '22222222-2222-4222-8222-222222222222';
const consent = (over: Partial<Consent> = {}): Consent => ({
  id: CONSENT,
  projectId: '33333333-3333-4333-8333-333333333333',
  kind: 'portrait',
  subjectName: 'Ada',
  assetId: PORTRAIT,
  scope: 'Lessons',
  statementText: 'Yes',
  statementAssetId: null,
  recordedBy: null,
  recordedAt: '2026-11-01T10:00:00.000Z',
  revokedAt: null,
  ...over,
});
const ready = lessonContentSchema.parse({
  portraitAssetId: PORTRAIT,
  portraitConsentId: CONSENT,
  sections: [{ id: 's1', narration: 'Hello.' }],
});

describe('what the lesson wizard offers and why not', () => {
  it('a type this server does not list is unavailable with a reason; a listed one follows the server', () => {
    const draft = {
      type: 'lesson.draft',
      title: 'Draft',
      available: false,
      reason: 'No LLM.',
    } as JobTypeInfo;
    expect(actionAvailability(undefined, 'portrait.lesson')).toEqual({ state: 'unknown' });
    expect(actionAvailability([draft], 'portrait.lesson')).toMatchObject({
      state: 'unavailable',
      reason: expect.stringContaining('portrait.lesson'),
    });
    expect(actionAvailability([draft], 'lesson.draft')).toEqual({ state: 'unavailable', reason: 'No LLM.' });
    expect(actionAvailability([{ ...draft, available: true }], 'lesson.draft')).toEqual({
      state: 'available',
    });
  });

  it('blocks rendering without a portrait, without a live consent for it, or without narration', () => {
    expect(renderBlocker(ready, [consent()])).toBeNull();
    expect(renderBlocker({ ...ready, portraitAssetId: null }, [consent()])).toMatch(/Upload a portrait/);
    expect(renderBlocker({ ...ready, portraitConsentId: null }, [consent()])).toMatch(/Record the consent/);
    expect(renderBlocker(ready, [consent({ revokedAt: '2026-11-02T00:00:00.000Z' })])).toBe(
      "Ada's consent was revoked on 2026-11-02; record a new one to render.",
    );
    expect(renderBlocker(ready, [consent({ assetId: CONSENT })])).toMatch(/covers another portrait/);
    expect(renderBlocker(ready, [])).toMatch(/no longer exists/);
    expect(
      renderBlocker({ ...ready, sections: [{ id: 's', title: 'x', narration: ' ', slide: null }] }, [
        consent(),
      ]),
    ).toMatch(/at least one section/);
    expect(renderBlocker({ ...ready, voice: `clone:${CONSENT}` }, [consent()])).toMatch(
      /Upload a voice sample/,
    );
  });
});
