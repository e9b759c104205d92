import type { PlanInput } from '@clapboard/shared/job-plan';
import type { JobPayload, JobType } from '@clapboard/shared/jobs';
import { estimateLessonSeconds } from '@clapboard/shared/lessons';
import { BriefDraftError } from '../briefs/brief-draft-error';
import { loadDraftableBrief } from '../briefs/load-draftable-brief';
import { pinBrandKit } from '../campaigns/pin-brand-kit';
import type { Sql } from '../db/connect-db';
import { loadDocumentState } from '../documents/load-document';
import { findLectureAnalysis, LectureAnalysisError } from '../lectures/find-lecture-analysis';
import { findLectureVideo, LectureVideoError } from '../lectures/find-lecture-video';
import { checkLessonRenderable } from '../lessons/check-lesson-renderable';
import { findLessonRender } from '../lessons/find-lesson-render';
import { LessonRenderError } from '../lessons/lesson-render-error';
import { loadRenderLesson } from '../lessons/load-render-lesson';
import { readLessonContent } from '../lessons/read-lesson-content';
import { RenderDocumentError } from '../render/render-document-error';
import { pinRenderVersion, versionShotSeconds } from './pin-render-version';

/** What a job needs beyond its payload, found at submit. */
export interface PreparedInputs {
  /** The document version the job shows (pinned at submit), or null. */
  versionId: string | null;
  /** What its plan is made from (e.g. a render's seconds per scene). */
  planInput: PlanInput;
  /** Sentences for the user found while preparing (stored with the job). */
  warnings: string[];
  /**
   * The payload completed with what was pinned (a render's brand kit), replacing the submitted
   * one; absent: the submitted payload as it is.
   */
  params?: Record<string, unknown>;
}

/**
 * The inputs of a job type that reads more than its payload (the project document, other jobs'
 * outputs): checked and pinned once at submit, and read back from what was pinned when the job is
 * retried or recovered, so the three plan the same flow. Types without an entry plan from their
 * payload alone.
 */
export interface JobInputs<T extends JobType> {
  /**
   * At submit, before anything is written: checks what the job will use and pins it.
   * @throws a domain error the API maps to 4xx (e.g. RenderDocumentError → 422); nothing is written then
   */
  prepare(
    sql: Sql,
    ctx: { projectId: string; userId: string; params: JobPayload<T> },
  ): Promise<PreparedInputs>;
  /**
   * At retry and recovery: the plan input from what `prepare` pinned.
   * @throws PlanUnavailableError when it is gone or no longer valid
   */
  planInput(sql: Sql, job: { params: JobPayload<T>; versionId: string | null }): Promise<PlanInput>;
}

/** The plan cannot be made: what the job pinned at submit is gone or no longer valid. */
export class PlanUnavailableError extends Error {
  override name = 'PlanUnavailableError';
}

/**
 * What a job names is not there or not usable (a deleted lesson, one of another project): the API
 * answers `status` (422 by default; 409 for what the team can fix first, such as a lesson without
 * a consented portrait) with `details` and writes nothing.
 */
export class JobInputError extends Error {
  override name = 'JobInputError';
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly status: 409 | 422 = 422,
  ) {
    super(message);
  }
}

/** The lesson a lesson job names must be a live lesson of the job's project. */
async function isLiveLesson(sql: Sql, projectId: string, lessonId: string): Promise<boolean> {
  const [row] = await sql`
    select 1 from lessons where id = ${lessonId} and project_id = ${projectId} and deleted_at is null`;
  return !!row;
}

const lessonDraftInputs: JobInputs<'lesson.draft'> = {
  async prepare(sql, { projectId, params }) {
    if (!(await isLiveLesson(sql, projectId, params.lessonId)))
      throw new JobInputError('lessonId does not name a lesson of this project.', { field: 'lessonId' });
    return { versionId: null, planInput: {}, warnings: [] };
  },
  async planInput() {
    // The draft reads nothing but its payload; a lesson deleted meanwhile fails in the worker.
    return {};
  },
};

const renderInputs: JobInputs<'render.video'> = {
  async prepare(sql, { projectId, userId, params }) {
    // A render shows the document as it is now: check it against the render bounds (with the
    // worker's timing rules), pin it as a version and plan one branch per scene. The campaign's
    // brand kit is pinned too, into the payload (whatever the caller sent there is replaced).
    const pin = await pinRenderVersion(sql, projectId, userId, { transition: params.preset.transition });
    const brand = await pinBrandKit(sql, projectId);
    return {
      versionId: pin.versionId,
      planInput: { sceneSec: pin.shotSec },
      warnings: pin.warnings,
      params: { ...params, brand },
    };
  },
  async planInput(sql, { params, versionId }) {
    let sceneSec: number[];
    try {
      sceneSec = versionId ? await versionShotSeconds(sql, versionId, params.preset?.transition) : [];
    } catch (err) {
      if (err instanceof RenderDocumentError)
        throw new PlanUnavailableError(`The version this render shows cannot be rendered: ${err.message}`);
      throw err;
    }
    if (!sceneSec.length)
      throw new PlanUnavailableError('The version this render shows no longer exists; start a new render.');
    return { sceneSec };
  },
};

const renderVariantsInputs: JobInputs<'render.variants'> = {
  async prepare(sql, { projectId, userId, params }) {
    // As a render: the document pinned as a version (checked against the render bounds with the
    // project's transition), the campaign's brand kit pinned into the payload.
    const pin = await pinRenderVersion(sql, projectId, userId);
    const brand = await pinBrandKit(sql, projectId);
    return {
      versionId: pin.versionId,
      planInput: { sceneSec: pin.shotSec },
      warnings: pin.warnings,
      params: { ...params, brand },
    };
  },
  async planInput(sql, { versionId }) {
    let sceneSec: number[];
    try {
      sceneSec = versionId ? await versionShotSeconds(sql, versionId) : [];
    } catch (err) {
      if (err instanceof RenderDocumentError)
        throw new PlanUnavailableError(`The version these variants show cannot be rendered: ${err.message}`);
      throw err;
    }
    if (!sceneSec.length)
      throw new PlanUnavailableError('The version these variants show no longer exists; render them again.');
    return { sceneSec };
  },
};

const exportLmsInputs: JobInputs<'export.lms'> = {
  async prepare(sql, { projectId, params }) {
    // The package plays a finished final render: check it here (LessonRenderError → 422/409) and
    // pin the version that render showed, which holds the lesson's quiz.
    const render = await findLessonRender(sql, { projectId, jobId: params.lessonJobId });
    const warnings: string[] = [];
    if (params.includeQuiz && !(await loadRenderLesson(sql, render))?.quiz)
      warnings.push('The lesson has no quiz: the package completes when the learner has watched enough.');
    return { versionId: render.versionId, planInput: { filmSec: render.video.durationSec ?? 0 }, warnings };
  },
  async planInput(sql, { params }) {
    const [job] = await sql<
      { project_id: string }[]
    >`select project_id from jobs where id = ${params.lessonJobId}`;
    try {
      if (!job) throw new LessonRenderError('missing', 'The lesson render no longer exists.');
      const render = await findLessonRender(sql, { projectId: job.project_id, jobId: params.lessonJobId });
      return { filmSec: render.video.durationSec ?? 0 };
    } catch (err) {
      if (err instanceof LessonRenderError)
        throw new PlanUnavailableError(`This export cannot run again: ${err.message}`);
      throw err;
    }
  },
};

const portraitLessonInputs: JobInputs<'portrait.lesson'> = {
  async prepare(sql, { projectId, userId, params }) {
    // A render shows the lesson as it is now: check it can be rendered (a consented portrait,
    // narration), then pin the document as a version so edits made meanwhile do not leak in.
    if (!(await isLiveLesson(sql, projectId, params.lessonId)))
      throw new JobInputError('lessonId does not name a lesson of this project.', { field: 'lessonId' });
    const { state } = await loadDocumentState(sql, projectId);
    let content: ReturnType<typeof readLessonContent>;
    try {
      content = readLessonContent(state, params.lessonId);
    } catch (err) {
      throw new JobInputError(`The lesson cannot be read: ${(err as Error).message}.`, { field: 'lessonId' });
    }
    if (!content)
      throw new JobInputError(
        'The lesson has no content yet: add a portrait and a script first.',
        { field: 'lessonId' },
        409,
      );
    const problem = await checkLessonRenderable(sql, projectId, content);
    if (problem)
      throw new JobInputError(
        problem.message,
        { field: problem.field },
        problem.kind === 'blocked' ? 409 : 422,
      );
    const warnings: string[] = [];
    const silent = content.sections.filter((s) => !s.narration.trim()).length;
    if (silent)
      warnings.push(
        `${silent} section${silent === 1 ? ' has' : 's have'} no narration and will be left out of the video.`,
      );
    const [row] = await sql<{ id: string }[]>`
      insert into doc_versions (project_id, name, state, source, created_by)
      values (${projectId}, ${`Lesson ${params.mode} ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`},
              ${Buffer.from(state)}, 'render', ${userId})
      returning id`;
    return { versionId: row!.id, planInput: { filmSec: estimateLessonSeconds(content) }, warnings };
  },
  async planInput(sql, { params, versionId }) {
    const content = versionId
      ? await loadRenderLesson(sql, { versionId, lessonId: params.lessonId }).catch(() => null)
      : null;
    if (!content)
      throw new PlanUnavailableError(
        'The lesson as it was pinned for this render is gone; start a new render.',
      );
    return { filmSec: estimateLessonSeconds(content) };
  },
};

const highlightsExtractInputs: JobInputs<'highlights.extract'> = {
  async prepare(sql, { projectId, params }) {
    // The analysis reads the lecture's video: a deleted lecture or a missing video is refused
    // here (422) rather than failing in a worker; the plan counts the lecture's seconds.
    try {
      const video = await findLectureVideo(sql, { projectId, lectureId: params.lectureId });
      return { versionId: null, planInput: { mediaSec: video.durationSec ?? 0 }, warnings: [] };
    } catch (err) {
      if (err instanceof LectureVideoError) throw new JobInputError(err.message, { field: 'lectureId' });
      throw err;
    }
  },
  async planInput(sql, { params }) {
    const [lecture] = await sql<{ project_id: string }[]>`
      select project_id from lectures where id = ${params.lectureId}`;
    try {
      if (!lecture) throw new LectureVideoError('missing', 'The lecture no longer exists.');
      const video = await findLectureVideo(sql, {
        projectId: lecture.project_id,
        lectureId: params.lectureId,
      });
      return { mediaSec: video.durationSec ?? 0 };
    } catch (err) {
      if (err instanceof LectureVideoError)
        throw new PlanUnavailableError(`This analysis cannot run again: ${err.message}`);
      throw err;
    }
  },
};

const highlightsClipsInputs: JobInputs<'highlights.clips'> = {
  async prepare(sql, { projectId, params }) {
    // Clips are cut from a completed analysis of a live lecture, inside the lecture: checked here
    // (LectureAnalysisError → 422, 409 while the analysis runs, 400 past the lecture's end). The
    // plan comes from the payload's spans alone.
    await findLectureAnalysis(sql, { projectId, ...params });
    return { versionId: null, planInput: {}, warnings: [] };
  },
  async planInput(sql, { params }) {
    const [lecture] = await sql<{ project_id: string }[]>`
      select project_id from lectures where id = ${params.lectureId}`;
    try {
      if (!lecture) throw new LectureAnalysisError('missing', 'The lecture no longer exists.');
      await findLectureAnalysis(sql, { projectId: lecture.project_id, ...params });
      return {};
    } catch (err) {
      if (err instanceof LectureAnalysisError)
        throw new PlanUnavailableError(`These clips cannot be rendered again: ${err.message}`);
      throw err;
    }
  },
};

const briefDraftInputs: JobInputs<'brief.draft'> = {
  async prepare(sql, { projectId, params }) {
    // Refused here, before a provider is paid: a brief of another project, a project that left the
    // campaign, a brief whose own text is banned, a script that would be overwritten unasked. The
    // worker checks the last two again when it writes.
    try {
      await loadDraftableBrief(sql, { projectId, briefId: params.briefId, replace: params.replace });
    } catch (err) {
      if (err instanceof BriefDraftError) throw new JobInputError(err.message, err.details, err.status);
      throw err;
    }
    return { versionId: null, planInput: {}, warnings: [] };
  },
  async planInput() {
    // The draft reads the brief when it runs; a brief deleted meanwhile fails in the worker.
    return {};
  },
};

/** Job types whose inputs are prepared at submit (see `JobInputs`). */
export const JOB_INPUTS: { readonly [K in JobType]?: JobInputs<K> } = {
  'render.video': renderInputs,
  'render.variants': renderVariantsInputs,
  'lesson.draft': lessonDraftInputs,
  'export.lms': exportLmsInputs,
  'portrait.lesson': portraitLessonInputs,
  'highlights.extract': highlightsExtractInputs,
  'highlights.clips': highlightsClipsInputs,
  'brief.draft': briefDraftInputs,
};

/** The entry for `type`, typed loosely for callers that hold an unparsed type. */
export function jobInputsOf(type: JobType): JobInputs<JobType> | undefined {
  return JOB_INPUTS[type] as JobInputs<JobType> | undefined;
}
