import type { Redis } from '@clapboard/server/redis';
import type { BlobStore } from '@clapboard/server/storage';
import { type CatalogPipelines, catalogRegistry, type PipelineRegistry } from '../jobs/pipeline';
import type { ChatModel } from '../providers/task-interfaces';
import { sharedFaceDetector } from '../vision/shared-face-detector';
import { assetsDerivePipeline } from './assets-derive';
import { briefDraftPipeline } from './brief-draft';
import { exportLmsPipeline } from './export-lms';
import { highlightsClipsPipeline } from './highlights-clips';
import { type HighlightsExtractDeps, highlightsExtractPipeline } from './highlights-extract';
import { lessonDraftPipeline } from './lesson-draft';
import { type LessonDeps, portraitLessonPipeline } from './portrait-lesson';
import { type RenderDeps, renderVideoPipeline } from './render';
import { renderVariantsPipeline } from './render-variants';
import { sceneFramePipeline, sceneVariationsPipeline } from './scene-frames';

/** What the catalog's pipelines run with. */
export interface CatalogPipelineDeps {
  store: BlobStore;
  render: Omit<RenderDeps, 'store'>;
  /** The configured LLM provider; without one `lesson.draft` and `brief.draft` are present but unavailable. */
  chat?: ChatModel;
  /**
   * Where document changes are published to open editors (`brief.draft` writes the project
   * document); without it they land in Postgres and editors see them on reopening.
   */
  redis?: Redis;
  /**
   * What the lecture analysis runs with (the model registry, a transcription provider); without a
   * registry `highlights.extract` is present but unavailable.
   */
  highlights?: Omit<HighlightsExtractDeps, 'store' | 'chat'>;
}

/** What lesson renders run with: the render's speech (and its engines), encoder and quality, the shared face detector. */
export function lessonDeps(store: BlobStore, render: Omit<RenderDeps, 'store'>): LessonDeps {
  return {
    store,
    speak: render.models.speak,
    engines: render.models.engines,
    faces: sharedFaceDetector,
    encoder: render.encoder,
    quality: render.quality,
  };
}

/** Every catalog pipeline, by job type; render and frames take the runtime's models. */
export function catalogPipelines(deps: CatalogPipelineDeps): CatalogPipelines {
  const render = { ...deps.render, store: deps.store };
  return {
    'assets.derive': assetsDerivePipeline(deps),
    'render.video': renderVideoPipeline(render),
    'render.variants': renderVariantsPipeline({ ...render, faces: sharedFaceDetector }),
    'scene.frame': sceneFramePipeline(render),
    'scene.variations': sceneVariationsPipeline(render),
    'lesson.draft': lessonDraftPipeline({ chat: deps.chat }),
    'export.lms': exportLmsPipeline(deps),
    'portrait.lesson': portraitLessonPipeline(lessonDeps(deps.store, deps.render)),
    'highlights.extract': highlightsExtractPipeline({
      ...deps.highlights,
      store: deps.store,
      chat: deps.chat,
    }),
    'highlights.clips': highlightsClipsPipeline(deps),
    'brief.draft': briefDraftPipeline({ chat: deps.chat, redis: deps.redis }),
  };
}

/** The registry a worker runs: the whole catalog. */
export function builtInPipelines(deps: CatalogPipelineDeps): PipelineRegistry {
  return catalogRegistry(catalogPipelines(deps));
}
