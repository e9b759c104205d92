import { LECTURE_LIMITS } from '@clapboard/shared/highlights';

/** Bounds of resumable (tus) uploads. */
export interface ResumableLimits {
  /** Largest upload (bytes); video may use all of it, other kinds keep their own per-kind limit. */
  maxBytes: number;
  /** Unfinished uploads one user may have open at once; the next creation is refused with 429. */
  maxOpenPerUser: number;
  /** An upload not touched for this long (seconds) expires and is swept with its bytes. */
  expirySec: number;
}

/** Defaults: 4 GiB (a long lecture, `LECTURE_LIMITS.maxBytes`), 3 open per user, 24 h to finish. */
export const DEFAULT_RESUMABLE_LIMITS: ResumableLimits = {
  maxBytes: LECTURE_LIMITS.maxBytes,
  maxOpenPerUser: 3,
  expirySec: 24 * 3600,
};

/** Fills unset limits with the defaults. */
export function resolveResumableLimits(partial?: Partial<ResumableLimits>): ResumableLimits {
  return { ...DEFAULT_RESUMABLE_LIMITS, ...partial };
}
