import {
  DEFAULT_RATES_USD_PER_SEC,
  JOB_CATALOG,
  type JobDefinition,
  type JobType,
  type ResourceClass,
  type StepWorkModel,
} from './jobs';
import { TRANSITION_SEC } from './render-timing';
import { fitVariant } from './variant-fit';

/**
 * One step of a job's flow before it becomes a queue node: its key, the catalog step it runs, how
 * much work it holds, and the steps that must finish first. The same plan drives the queue flow,
 * the cost estimate and the progress weights, so the three cannot disagree.
 */
export interface PlanNode {
  /** Step key within the job, e.g. `probe` or `scene-2/voice`. */
  step: string;
  /** The catalog step it runs (`voice` for `scene-2/voice`). */
  kind: string;
  /** Units of the step's work model (seconds of video, frames); 1 for fixed work. */
  units: number;
  /** Extra input for per-item steps (e.g. the scene index). */
  item?: Record<string, unknown>;
  /** Steps that must finish first. */
  after?: PlanNode[];
}

/** What a plan needs beyond the payload. */
export interface PlanInput {
  /** A render's estimated on-screen seconds per scene of the pinned document, in order. */
  sceneSec?: readonly number[];
  /** Seconds of video a job works through as a whole (an LMS export: its lesson video's length). */
  filmSec?: number;
  /** Seconds of an uploaded recording a job analyses (a lecture's length). */
  mediaSec?: number;
}

/** The catalog's steps in order, each waiting for the one before, one unit each. */
export function sequentialPlan(steps: readonly string[]): PlanNode[] {
  let prev: PlanNode | undefined;
  for (const step of steps) prev = { step, kind: step, units: 1, after: prev ? [prev] : [] };
  return prev ? [prev] : [];
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * The flow of a `render.video` job: per scene a `shot` that waits for its `frame` and `voice`
 * (which run in parallel), a `music` bed over the film, and `assemble` waiting for all of them.
 * Step keys are `scene-<i>/<step>`; `item.scene` is the scene's index in the pinned document.
 *
 * @throws RangeError for fewer than one scene
 */
export function renderVideoPlan(sceneSec: readonly number[]): PlanNode[] {
  if (sceneSec.length < 1) throw new RangeError('A render needs at least one scene.');
  const filmSec = round3(sceneSec.reduce((s, x) => s + Math.max(0, x), 0));
  const shots: PlanNode[] = sceneSec.map((sec, i) => {
    const item = { scene: i };
    const units = round3(Math.max(0, sec));
    return {
      step: `scene-${i}/shot`,
      kind: 'shot',
      units,
      item,
      after: [
        { step: `scene-${i}/frame`, kind: 'frame', units: 1, item },
        { step: `scene-${i}/voice`, kind: 'voice', units, item },
      ],
    };
  });
  return [
    {
      step: 'assemble',
      kind: 'assemble',
      units: filmSec,
      after: [...shots, { step: 'music', kind: 'music', units: filmSec }],
    },
  ];
}

/** What a plan reads of a `render.variants` payload: each variant's length and the brand cards. */
type PlanCard = { enabled?: boolean; durationSec?: number };
interface VariantsPlanParams {
  variants?: Array<{ durationSec?: number }>;
  brand?: { style?: { introCard?: PlanCard; outroCard?: PlanCard } } | null;
}

/**
 * The flow of a `render.variants` job: per scene its plate (`scene-<i>/frame`) and its voice
 * (`scene-<i>/voice`), made once for every variant, and the music bed; then `shots` (every kept
 * scene of every variant, per aspect) waiting for all of them, and `assemble` (every variant's
 * film) after it. Flows are trees and every variant needs every voice, so the per-aspect work
 * joins there once (as `highlightsClipsPlan` makes a clip's aspects one step). Units of `shots`
 * and `assemble`: seconds of video summed over the variants, each fitted to its length with the
 * submit-time estimates (`fitVariant`, half-second transitions at 24 fps); `music`: the longest.
 *
 * @throws RangeError for fewer than one scene
 */
export function renderVariantsPlan(sceneSec: readonly number[], params: VariantsPlanParams): PlanNode[] {
  if (sceneSec.length < 1) throw new RangeError('A render needs at least one scene.');
  const card = (c?: PlanCard) => (c?.enabled ? Math.max(0, c.durationSec ?? 2) : 0);
  const style = params.brand?.style;
  const scenes = sceneSec.map((sec) => ({ naturalSec: Math.max(0.05, sec), lineEndsSec: [] }));
  const lengths = (params.variants ?? []).map((v) => {
    try {
      return fitVariant(scenes, {
        targetSec: Math.max(1, v.durationSec ?? 30),
        transitionSec: TRANSITION_SEC,
        fps: 24,
        introSec: card(style?.introCard),
        outroSec: card(style?.outroCard),
      }).totalSec;
    } catch {
      // Cannot fit even the hook: the worker fails it with the reason; weigh it as its length.
      return Math.max(1, v.durationSec ?? 30);
    }
  });
  const filmSec = round3(lengths.reduce((s, x) => s + x, 0));
  const leaves: PlanNode[] = sceneSec.flatMap((sec, i) => {
    const item = { scene: i };
    return [
      { step: `scene-${i}/frame`, kind: 'frame', units: 1, item },
      { step: `scene-${i}/voice`, kind: 'voice', units: round3(Math.max(0, sec)), item },
    ];
  });
  leaves.push({ step: 'music', kind: 'music', units: round3(Math.max(0, ...lengths)) });
  const shots: PlanNode = { step: 'shots', kind: 'shots', units: filmSec, after: leaves };
  return [{ step: 'assemble', kind: 'assemble', units: filmSec, after: [shots] }];
}

/**
 * The flow of a `portrait.lesson` job: `check` (the portrait has a face) → `voice` → `still`
 * (preview) or `animate` (final) → `assemble`, one after another, so a portrait without a face
 * fails before anything costly runs. Units of all but `check`: the lesson's estimated seconds.
 */
export function portraitLessonPlan(mode: 'preview' | 'final', filmSec: number): PlanNode[] {
  const units = round3(Math.max(0, filmSec));
  const frames = mode === 'preview' ? 'still' : 'animate';
  let prev: PlanNode | undefined;
  for (const [step, u] of [
    ['check', 1],
    ['voice', units],
    [frames, units],
    ['assemble', units],
  ] as const)
    prev = { step, kind: step, units: u, after: prev ? [prev] : [] };
  return [prev!];
}

/**
 * The flow of a `highlights.extract` job over a lecture of `mediaSec` seconds: `speech` (VAD) then
 * `transcript` (it splits the audio at the silences VAD found), `layout` beside them (it reads
 * only the picture), `topics` once the transcript and layout are in, then `candidates`. Every step
 * works through the whole lecture, so each counts its seconds.
 */
export function highlightsExtractPlan(mediaSec: number): PlanNode[] {
  const units = round3(Math.max(0, mediaSec));
  const node = (step: string, after: PlanNode[] = []): PlanNode => ({ step, kind: step, units, after });
  const transcript = node('transcript', [node('speech')]);
  const topics = node('topics', [transcript, node('layout')]);
  return [node('candidates', [topics])];
}

/**
 * The flow of a `highlights.clips` job: per clip (1-based `n`, in payload order) a
 * `clip-<n>/prepare` (face track and loudness of the span, in the clip's seconds) and, waiting for
 * it, `clip-<n>/encode` (every aspect of the clip: its units are the clip's seconds × the number of
 * aspects). Flows are trees, so the aspects of one clip share their prepare by being one step.
 * `item.clip` is the clip's 0-based index.
 */
export function highlightsClipsPlan(params: Record<string, unknown>): PlanNode[] {
  const clips = Array.isArray(params.clips)
    ? (params.clips as Array<{ startSec: number; endSec: number }>)
    : [];
  const aspects = Array.isArray(params.aspects) && params.aspects.length ? params.aspects.length : 1;
  return clips.map((clip, i) => {
    const sec = Math.max(0, Number(clip.endSec) - Number(clip.startSec));
    const item = { clip: i };
    return {
      step: `clip-${i + 1}/encode`,
      kind: 'encode',
      units: round3(sec * aspects),
      item,
      after: [{ step: `clip-${i + 1}/prepare`, kind: 'prepare', units: round3(sec), item }],
    };
  });
}

/**
 * The plan of any catalog job: the final steps (the job ends when they have), each with its
 * prerequisites. One function for submit, retry and recovery, so all three build the same flow.
 *
 * @throws RangeError when a render (`render.video`, `render.variants`) has no `input.sceneSec`
 */
export function planJob(type: JobType, params: Record<string, unknown>, input: PlanInput = {}): PlanNode[] {
  switch (type) {
    case 'render.video':
      return renderVideoPlan(input.sceneSec ?? []);
    case 'render.variants':
      return renderVariantsPlan(input.sceneSec ?? [], params as VariantsPlanParams);
    case 'scene.variations':
      return [{ step: 'frame', kind: 'frame', units: Math.max(1, Number(params.count ?? 1)) }];
    case 'scene.frame':
      return [{ step: 'frame', kind: 'frame', units: 1 }];
    case 'export.lms':
      return [{ step: 'package', kind: 'package', units: round3(Math.max(0, input.filmSec ?? 0)) }];
    case 'portrait.lesson':
      return portraitLessonPlan(params.mode === 'preview' ? 'preview' : 'final', input.filmSec ?? 0);
    case 'highlights.extract':
      return highlightsExtractPlan(input.mediaSec ?? 0);
    case 'highlights.clips':
      return highlightsClipsPlan(params);
    default:
      return sequentialPlan(JOB_CATALOG[type].steps);
  }
}

/** Every distinct node of a plan (a prerequisite shared by two steps counts once), prerequisites first. */
export function planNodes(plan: readonly PlanNode[]): PlanNode[] {
  const seen = new Map<string, PlanNode>();
  const walk = (n: PlanNode) => {
    if (seen.has(n.step)) return;
    for (const a of n.after ?? []) walk(a);
    seen.set(n.step, n);
  };
  for (const n of plan) walk(n);
  return [...seen.values()];
}

/**
 * Work models measured on this deployment's workers, by catalog step, replacing the catalog's
 * cold-start model for the steps that have history.
 */
export type LearnedWork = Readonly<Partial<Record<string, StepWorkModel & { samples: number }>>>;

export interface StepEstimate {
  step: string;
  kind: string;
  units: number;
  /** Expected worker-seconds. */
  seconds: number;
  usd: number;
  /** True when the model came from measured history. */
  learned: boolean;
}

export interface JobEstimate {
  /** Expected worker-seconds of the whole job. */
  seconds: number;
  usd: number;
  steps: StepEstimate[];
}

/** Expected seconds of `units` under a work model (never below 10 ms, so every step has weight). */
export function workSeconds(model: Pick<StepWorkModel, 'baseSec' | 'secPerUnit'>, units: number): number {
  return Math.max(0.01, model.baseSec + model.secPerUnit * units);
}

/**
 * The cost estimate of a plan: each step's expected worker-seconds (learned model when the
 * deployment has one, else the catalog's) × the USD-per-second rate of the job's resource class.
 * The API charges against budgets with it, the worker weights progress with the same seconds and
 * the web shows it before submitting.
 *
 * @param definition catalog entry; looked up by type when omitted (tests pass their own)
 */
export function estimatePlan(
  type: JobType | string,
  plan: readonly PlanNode[],
  options: {
    learned?: LearnedWork;
    rates?: Readonly<Record<ResourceClass, number>>;
    definition?: JobDefinition;
  } = {},
): JobEstimate {
  const def = options.definition ?? JOB_CATALOG[type as JobType];
  const rate = (options.rates ?? DEFAULT_RATES_USD_PER_SEC)[def.resourceClass];
  const steps = planNodes(plan).map((n): StepEstimate => {
    const learned = options.learned?.[n.kind];
    const model = learned ?? def.work[n.kind] ?? { unit: 'step', baseSec: 1, secPerUnit: 0 };
    const seconds = round3(workSeconds(model, n.units));
    return {
      step: n.step,
      kind: n.kind,
      units: n.units,
      seconds,
      usd: roundUsd(seconds * rate),
      learned: !!learned,
    };
  });
  const seconds = round3(steps.reduce((s, x) => s + x.seconds, 0));
  return { seconds, usd: roundUsd(seconds * rate), steps };
}

/** Cost of `seconds` of worker time on a resource class (USD, rounded to a millionth). */
export function workerCost(
  seconds: number,
  cls: ResourceClass,
  rates: Readonly<Record<ResourceClass, number>> = DEFAULT_RATES_USD_PER_SEC,
): number {
  return roundUsd(seconds * rates[cls]);
}

/** USD rounded to a millionth of a dollar, the ledger's precision. */
export function roundUsd(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** One measured step: how much work it held and how long it took. */
export interface WorkSample {
  units: number;
  seconds: number;
}

const median = (xs: number[]): number => {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
};

/**
 * Fits `seconds = baseSec + secPerUnit × units` to measured samples with the Theil–Sen estimator
 * (the median of pairwise slopes, then the median intercept), both terms kept non-negative. Medians
 * keep a worker's first run (a model loading, a speech engine starting) from skewing every later
 * estimate, as a least-squares fit would. Fixed-work steps, and samples that all hold the same
 * work, take the median seconds (per unit).
 *
 * @returns null for no samples
 */
export function fitWorkModel(
  unit: StepWorkModel['unit'],
  samples: readonly WorkSample[],
): (StepWorkModel & { samples: number }) | null {
  const valid = samples.filter(
    (s) => Number.isFinite(s.units) && Number.isFinite(s.seconds) && s.seconds >= 0 && s.units >= 0,
  );
  if (!valid.length) return null;
  const n = valid.length;
  if (unit === 'step')
    return { unit, baseSec: median(valid.map((s) => s.seconds)), secPerUnit: 0, samples: n };
  const slopes: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const du = valid[j]!.units - valid[i]!.units;
      if (Math.abs(du) > 1e-9) slopes.push((valid[j]!.seconds - valid[i]!.seconds) / du);
    }
  if (!slopes.length) {
    const perUnit = valid.filter((s) => s.units > 0).map((s) => s.seconds / s.units);
    return perUnit.length
      ? { unit, baseSec: 0, secPerUnit: median(perUnit), samples: n }
      : { unit, baseSec: median(valid.map((s) => s.seconds)), secPerUnit: 0, samples: n };
  }
  const secPerUnit = Math.max(0, median(slopes));
  const baseSec = Math.max(0, median(valid.map((s) => s.seconds - secPerUnit * s.units)));
  return { unit, baseSec, secPerUnit, samples: n };
}
