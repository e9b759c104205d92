import { replaceScenes } from '@clapboard/screenplay';
import { insertVariants } from '@clapboard/server/campaigns';
import type { Sql } from '@clapboard/server/db';
import {
  buildFlow,
  jobInputsOf,
  jobStore,
  PlanUnavailableError,
  planFor,
  submitJob,
} from '@clapboard/server/jobs';
import {
  type RenderVariantsPayload,
  renderVariantsPayloadSchema,
  resolveVariant,
  type VariantSpec,
} from '@clapboard/shared/campaigns';
import { estimatePlan, renderVideoPlan } from '@clapboard/shared/job-plan';
import { JOB_CATALOG } from '@clapboard/shared/jobs';
import * as Y from 'yjs';
import type { JobHarness } from './job-harness';

export interface TestScene {
  id: string;
  heading: string;
  synopsis?: string;
  dialogue?: Array<{ character: string; text: string }>;
  shot?: string;
  camera?: string;
  durationSec?: number;
  seed?: number | null;
  imagePrompt?: string;
  frameAssetId?: string | null;
  removed?: boolean;
}

export interface TestProject {
  scenes: TestScene[];
  characters?: Record<
    string,
    { portraitAssetId?: string | null; voice?: string; description?: string; gender?: string }
  >;
  settings?: Record<string, unknown>;
  /** The Fountain script (the `script` Y.Text), when the test needs one. */
  script?: string;
}

/** A project document as the storyboard writes it: scene maps, character maps, settings map. */
export function buildDocument(p: TestProject): Uint8Array {
  const doc = new Y.Doc();
  replaceScenes(
    doc,
    p.scenes.map((s) => ({ synopsis: '', dialogue: [], seed: null, voice: '', ...s })),
  );
  const characters = doc.getMap<unknown>('characters');
  for (const [name, c] of Object.entries(p.characters ?? {})) {
    const map = new Y.Map<unknown>();
    map.set('description', '');
    for (const [k, v] of Object.entries(c)) map.set(k, v);
    characters.set(name, map);
  }
  if (p.script) doc.getText('script').insert(0, p.script);
  const settings = doc.getMap<unknown>('settings');
  for (const [k, v] of Object.entries({
    fps: 24,
    transition: 'crossfade',
    musicPrompt: 'calm',
    ...p.settings,
  }))
    settings.set(k, v);
  return Y.encodeStateAsUpdate(doc);
}

/**
 * Stores `project` as the latest state of a project's document (what the realtime server would
 * have persisted), replacing whatever was there.
 */
export async function writeDocument(
  h: JobHarness,
  project: TestProject,
  projectId: string = h.projectId,
): Promise<void> {
  const sql = h.db.sql as Sql;
  await sql`delete from doc_snapshots where doc_id = ${projectId}`;
  await sql`delete from doc_updates where doc_id = ${projectId}`;
  await sql`insert into doc_updates (doc_id, update) values (${projectId}, ${Buffer.from(buildDocument(project))})`;
}

/**
 * Pins the document as a version and enqueues a render of it, as the API does at submit time:
 * the job row names the version, the flow and the estimate follow the job service's `planFor`.
 */
export async function enqueueRender(
  h: JobHarness,
  project: TestProject,
  params: Record<string, unknown> = {},
  projectId = h.projectId,
): Promise<{ jobId: string; versionId: string }> {
  const sql = h.db.sql as Sql;
  const [version] = await sql<{ id: string }[]>`
    insert into doc_versions (project_id, name, state, source, created_by)
    values (${projectId}, 'Render', ${Buffer.from(buildDocument(project))}, 'render', ${h.userId}) returning id`;
  const def = JOB_CATALOG['render.video'];
  // A document past the render bounds (which the API refuses) still gets a plan, so the tests can
  // show that the worker checks again.
  const planned = await planFor(sql, { type: 'render.video', params, versionId: version!.id }).catch(
    (err: unknown) => {
      if (!(err instanceof PlanUnavailableError)) throw err;
      const plan = renderVideoPlan(project.scenes.map((s) => s.durationSec ?? 4));
      return { plan, estimate: estimatePlan('render.video', plan) };
    },
  );
  const row = await jobStore.insertJob(sql, {
    projectId,
    userId: h.userId,
    type: 'render.video',
    params,
    priority: def.priority,
    versionId: version!.id,
    estimate: planned.estimate,
  });
  await h.queues.flows.add(
    buildFlow({
      jobId: row.id,
      projectId,
      type: 'render.video',
      run: 1,
      params,
      priority: def.priority,
      plan: planned.plan,
      estimate: planned.estimate,
    }),
  );
  return { jobId: row.id, versionId: version!.id };
}

/**
 * Submits a `render.variants` job of `project` as the variants route does: the document written as
 * the project's current state, the specs resolved, the document and the campaign's brand kit
 * pinned (`JOB_INPUTS`), the variants' rows written in the job's transaction (`submitJob`).
 */
export async function submitVariants(
  h: JobHarness,
  project: TestProject,
  specs: VariantSpec[],
  options: { resolution?: '480p' | '720p' | '1080p'; burnSubtitles?: boolean } = {},
  projectId = h.projectId,
): Promise<{ jobId: string; params: RenderVariantsPayload }> {
  const sql = h.db.sql as Sql;
  await writeDocument(h, project, projectId);
  const entries = specs.map((spec) => ({ variantId: crypto.randomUUID(), ...resolveVariant(spec) }));
  const payload = renderVariantsPayloadSchema.parse({ variants: entries, ...options });
  const prepared = await jobInputsOf('render.variants')!.prepare(sql, {
    projectId,
    userId: h.userId,
    params: payload as never,
  });
  const params = (prepared.params ?? payload) as RenderVariantsPayload;
  const { job } = await submitJob(sql, h.queues, undefined, {
    projectId,
    userId: h.userId,
    type: 'render.variants',
    params,
    versionId: prepared.versionId,
    planInput: prepared.planInput,
    warnings: prepared.warnings,
    onInserted: async (tx, row) => {
      await insertVariants(tx, {
        projectId,
        jobId: row.id,
        userId: h.userId,
        variants: entries,
        brand: params.brand,
      });
    },
  });
  return { jobId: job.id, params };
}
