import type { JobTypeInfo } from '@clapboard/shared/jobs';
import { type Consent, LESSON_LIMITS, type LessonContent, narrationChars } from '@clapboard/shared/lessons';
import type { Availability } from '../lib/job-types';

/**
 * Whether a job type can be started now, for types this build may not know yet (`portrait.lesson`
 * and `export.lms` join the catalog when their pipelines land): absent from the server's list means
 * this server does not run it, which is said as the reason rather than shown as a dead button.
 */
export function actionAvailability(items: readonly JobTypeInfo[] | undefined, type: string): Availability {
  if (!items) return { state: 'unknown' };
  const info = items.find((i) => (i.type as string) === type);
  if (!info)
    return {
      state: 'unavailable',
      reason: `This server does not run ${type} jobs yet (its job catalog has no such type).`,
    };
  if (info.available) return { state: 'available' };
  return { state: 'unavailable', reason: info.reason ?? `No worker runs "${info.title}" now.` };
}

/** The live consent `consentId` if it covers `assetId`, else why not (a sentence), as a pair. */
export function consentStatus(
  consents: readonly Consent[] | undefined,
  consentId: string | null,
  assetId: string | null,
  what: 'portrait' | 'voice sample',
): { consent: Consent | null; problem: string | null } {
  if (!assetId) return { consent: null, problem: `Upload a ${what} first.` };
  if (!consentId) return { consent: null, problem: `Record the consent of the person in the ${what}.` };
  if (!consents) return { consent: null, problem: null }; // still loading: the server checks anyway
  const consent = consents.find((c) => c.id === consentId) ?? null;
  if (!consent) return { consent: null, problem: `The ${what}'s consent no longer exists; record it again.` };
  if (consent.assetId !== assetId)
    return { consent, problem: `The consent on record covers another ${what}; record one for this ${what}.` };
  if (consent.revokedAt)
    return {
      consent,
      problem: `${consent.subjectName}'s consent was revoked on ${consent.revokedAt.slice(0, 10)}; record a new one to render.`,
    };
  return { consent, problem: null };
}

/**
 * Why the lesson cannot be rendered yet (preview or final), or null when it can: a portrait with a
 * live consent that covers it, at least one section with narration, narration within its limit,
 * and, for a cloned voice, a live consent for its sample.
 */
export function renderBlocker(
  content: LessonContent,
  consents: readonly Consent[] | undefined,
): string | null {
  const portrait = consentStatus(consents, content.portraitConsentId, content.portraitAssetId, 'portrait');
  if (portrait.problem) return portrait.problem;
  if (!content.sections.some((s) => s.narration.trim()))
    return 'Write at least one section with narration in the Script step.';
  const chars = narrationChars(content);
  if (chars > LESSON_LIMITS.maxTotalNarrationChars)
    return `The narration is ${chars} characters; the limit is ${LESSON_LIMITS.maxTotalNarrationChars}.`;
  if (content.voice.startsWith('clone:')) {
    const voice = consentStatus(consents, content.voiceConsentId, content.voiceSampleAssetId, 'voice sample');
    if (voice.problem) return voice.problem;
  }
  return null;
}
