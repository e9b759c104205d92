/** Aspect ratios a brief may ask for. */
export const BRIEF_ASPECTS = ['16:9', '9:16', '1:1', '4:5', '2.39:1'] as const;
export type BriefAspect = (typeof BRIEF_ASPECTS)[number];

/** A creative brief for a short video. */
export interface Brief {
  product: string;
  audience: string;
  tone: string;
  /** Target length in seconds, 5–600. */
  lengthSec: number;
  aspect: BriefAspect;
  /** Anything else the writer should know. */
  notes?: string;
}

export interface BriefIssue {
  path: string;
  message: string;
}

export type BriefParseResult = { success: true; data: Brief } | { success: false; issues: BriefIssue[] };

const TEXT_MAX = 2000;

function check(input: unknown): BriefParseResult {
  const issues: BriefIssue[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { success: false, issues: [{ path: '', message: 'expected an object' }] };
  }
  const o = input as Record<string, unknown>;
  const text = (key: string, optional = false): string | undefined => {
    const v = o[key];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string' || !v.trim())
      issues.push({ path: key, message: 'expected a non-empty string' });
    else if (v.length > TEXT_MAX) issues.push({ path: key, message: `at most ${TEXT_MAX} characters` });
    else return v.trim();
    return undefined;
  };
  const product = text('product');
  const audience = text('audience');
  const tone = text('tone');
  const notes = text('notes', true);
  const lengthSec = o.lengthSec;
  if (typeof lengthSec !== 'number' || !Number.isFinite(lengthSec) || lengthSec < 5 || lengthSec > 600) {
    issues.push({ path: 'lengthSec', message: 'expected a number of seconds from 5 to 600' });
  }
  if (!BRIEF_ASPECTS.includes(o.aspect as BriefAspect)) {
    issues.push({ path: 'aspect', message: `expected one of ${BRIEF_ASPECTS.join(', ')}` });
  }
  for (const key of Object.keys(o)) {
    if (!['product', 'audience', 'tone', 'lengthSec', 'aspect', 'notes'].includes(key)) {
      issues.push({ path: key, message: 'unknown key' });
    }
  }
  if (issues.length > 0) return { success: false, issues };
  const data: Brief = {
    product: product!,
    audience: audience!,
    tone: tone!,
    lengthSec: lengthSec as number,
    aspect: o.aspect as BriefAspect,
  };
  if (notes !== undefined) data.notes = notes;
  return { success: true, data };
}

/**
 * Validator for `Brief` with a zod-like surface (`safeParse`, `parse`), hand-written because this
 * package has no zod dependency. Strings are trimmed; unknown keys are rejected.
 */
export const briefSchema = {
  safeParse: check,
  /** @throws Error listing every issue */
  parse(input: unknown): Brief {
    const result = check(input);
    if (!result.success) {
      throw new Error(
        `invalid brief: ${result.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      );
    }
    return result.data;
  },
};
