import { availableParallelism } from 'node:os';
import { findLectureVideo, LectureVideoError } from '@clapboard/server/lectures';
import { ffprobe } from '@clapboard/server/media';
import type { BlobStore } from '@clapboard/server/storage';
import {
  HIGHLIGHT_OUTPUTS,
  layoutResultSchema,
  speechRegionsSchema,
  type Transcript,
  topicsResultSchema,
  transcriptSchema,
} from '@clapboard/shared/highlights';
import type { JobPayload } from '@clapboard/shared/jobs';
import { UnrecoverableError } from 'bullmq';
import type { Pipeline, StepContext, StepResult } from '../../jobs/pipeline';
import { decodeAudio } from '../../media/decode-audio';
import type { ModelRegistry } from '../../models/model-registry';
import { ProviderError } from '../../providers/provider-error';
import { localTranscriber } from '../../providers/select-providers';
import type { ChatModel, SpeechTranscriber } from '../../providers/task-interfaces';
import { detectSpeech } from '../../speech/detect-speech';
import type { FaceDetector } from '../../vision/detect-faces';
import { createTextRecognizer, type TextRecognizer } from '../../vision/recognize-text';
import { sharedFaceDetector } from '../../vision/shared-face-detector';
import { formatSrt, formatVtt } from '../render/subtitle-files';
import { analyseLayout } from './classify-layout';
import { cutCandidates } from './cut-candidates';
import { detectSceneChanges } from './detect-scene-changes';
import { prosodyTrack } from './emphasis-features';
import { judgeWithLlm } from './judge-with-llm';
import { fetchLectureVideo, readUpstreamResult, saveResult, upstreamAssetId } from './lecture-files';
import { scoreCandidates } from './score-candidates';
import { segmentTopics } from './segment-topics';
import { speechRegions } from './speech-regions';
import { splitSentences } from './split-sentences';
import { subtitleCues } from './subtitle-cues';
import { transcribeLecture } from './transcribe-lecture';

type Params = JobPayload<'highlights.extract'>;
type Ctx = StepContext<Params>;

/** Why `transcriber: 'provider'` cannot run on a worker without a transcription provider. */
export const NO_TRANSCRIPTION_PROVIDER_REASON =
  'The analysis asked for the transcription provider, but this worker has none configured (set OPENAI_BASE_URL, and OPENAI_TRANSCRIBE_MODEL if needed, to an OpenAI-compatible server such as a self-hosted Whisper). Run it again with the bundled transcriber ("local").';

/** Why a worker without a model registry does not offer the analysis. */
export const NO_MODELS_REASON =
  'This worker was started without its model registry (Silero VAD, PP-OCR), so it cannot analyse lectures; start the worker with `npm start` or its main.ts.';

export interface HighlightsExtractDeps {
  store: BlobStore;
  /**
   * Runs Silero VAD and PP-OCR (both registered by `registerBundledModels`); without it the
   * pipeline is present but unavailable.
   */
  registry?: ModelRegistry;
  /** The bundled transcriber; default PocketSphinx. */
  localTranscriber?: SpeechTranscriber;
  /**
   * Why the bundled transcriber cannot run now (PocketSphinx failed its smoke run, e.g. not
   * installed), or null when it can. A job asking for it then fails at once with this reason; a
   * worker with neither it nor a transcription provider does not offer the analysis.
   */
  localUnavailable?: () => string | null;
  /** An OpenAI-compatible transcription endpoint, when configured. */
  remoteTranscriber?: SpeechTranscriber;
  /** The configured LLM, for the optional `llm` judgement. */
  chat?: ChatModel;
  /** Face detector; default the process's shared one. */
  faces?: () => Promise<FaceDetector>;
  /** Chunks transcribed at once by the bundled transcriber; default the CPU count. */
  localConcurrency?: number;
}

/** Bump when a step's output changes for the same input (invalidates the step cache). */
const VERSION = 1;

/**
 * `highlights.extract`: a lecture's analysis in five steps, each reporting its own progress and
 * storing its result as an asset of the job (names in `HIGHLIGHT_OUTPUTS`, served by the lectures
 * API): `speech` (Silero VAD: speech and silences), `transcript` (words with timings from
 * PocketSphinx or the configured provider, sentences, SRT and VTT), `layout` (FFmpeg scene
 * changes; per span slide / speaker / picture-in-picture from face detection and PP-OCR), `topics`
 * (TextTiling aligned to slide changes, keyphrases) and `candidates` (clips between pauses at
 * sentence boundaries with their signals and reasons, and the LLM's judgement when asked for and a
 * chat provider is configured). A deleted lecture or a missing video fails without retrying.
 */
export function highlightsExtractPipeline(deps: HighlightsExtractDeps): Pipeline<Params> {
  const { store, registry } = deps;
  const localAsr = deps.localTranscriber ?? localTranscriber;
  let ocr: Promise<TextRecognizer> | undefined;
  const faces = deps.faces ?? sharedFaceDetector;

  const transcriberFor = (params: Params): SpeechTranscriber => {
    if (params.transcriber === 'local') {
      const down = deps.localUnavailable?.();
      if (down) throw new UnrecoverableError(`The bundled transcriber cannot run on this worker: ${down}.`);
      return localAsr;
    }
    if (!deps.remoteTranscriber) throw new UnrecoverableError(NO_TRANSCRIPTION_PROVIDER_REASON);
    return deps.remoteTranscriber;
  };
  /** The lecture's video asset: the cache key of every step (an asset's bytes never change). */
  const lectureKey = async (ctx: Ctx) => {
    try {
      const video = await findLectureVideo(ctx.sql, {
        projectId: ctx.projectId,
        lectureId: ctx.params.lectureId,
      });
      return video.assetId;
    } catch (err) {
      if (err instanceof LectureVideoError) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
  const models = () => {
    if (!registry) throw new UnrecoverableError(NO_MODELS_REASON);
    return registry;
  };
  const upstream = (ctx: Ctx, ...names: string[]) => names.map((n) => upstreamAssetId(ctx, n));

  const speech = async (ctx: Ctx): Promise<StepResult> => {
    transcriberFor(ctx.params); // refuse early, before any work, when the provider is missing
    ctx.report({ stage: 'reading the lecture audio', progress: 1 });
    const { file } = await fetchLectureVideo(ctx, store);
    const probe = await ffprobe(file, { signal: ctx.signal });
    if (!probe.streams.some((s) => s.codecType === 'audio'))
      throw new UnrecoverableError('The lecture video has no audio track, so there is no speech to analyse.');
    const audio = await decodeAudio(file, { signal: ctx.signal });
    const durationSec = probe.durationSec ?? audio.samples.length / audio.sampleRate;
    ctx.report({ stage: 'finding speech (Silero VAD)', progress: 15 });
    const spans = await detectSpeech(models(), audio, {
      onProgress: (f) => ctx.report({ stage: 'finding speech (Silero VAD)', progress: 15 + f * 80 }),
    });
    ctx.signal.throwIfAborted();
    const regions = speechRegions(spans, durationSec);
    const speechSec = regions.speech.reduce((s, x) => s + x.endSec - x.startSec, 0);
    return {
      outputs: [
        await saveResult(
          ctx,
          store,
          HIGHLIGHT_OUTPUTS.speech,
          { json: regions },
          {
            durationSec: regions.durationSec,
            speechSec: Math.round(speechSec * 10) / 10,
            spans: regions.speech.length,
          },
        ),
      ],
    };
  };

  const transcript = async (ctx: Ctx): Promise<StepResult> => {
    const transcriber = transcriberFor(ctx.params);
    const local = ctx.params.transcriber === 'local';
    const stage = `transcribing (${transcriber.source})`;
    ctx.report({ stage, progress: 1 });
    const regions = await readUpstreamResult(ctx, store, HIGHLIGHT_OUTPUTS.speech, speechRegionsSchema);
    const { file } = await fetchLectureVideo(ctx, store);
    const audio = await decodeAudio(file, { signal: ctx.signal });
    ctx.report({ stage, progress: 5 });
    const concurrency = local ? (deps.localConcurrency ?? availableParallelism()) : 2;
    let words: Transcript['words'];
    try {
      words = await transcribeLecture(audio, regions, transcriber, {
        dir: ctx.scratchDir,
        // PocketSphinx: chunks of 30–120 s spread over the cores (longer ones keep its context);
        // a provider takes up to 10 minutes (19 MB of 16 kHz WAV, under the usual 25 MB limit).
        maxChunkSec: local ? Math.min(120, Math.max(30, regions.durationSec / concurrency)) : 600,
        concurrency,
        signal: ctx.signal,
        onProgress: (f) => ctx.report({ stage, progress: 5 + f * 88 }),
      });
    } catch (err) {
      if (err instanceof ProviderError && !err.retryable)
        throw new UnrecoverableError(`The transcription provider failed: ${err.message}`);
      throw err;
    }
    const sentences = splitSentences(words, regions.silences);
    const result: Transcript = { engine: transcriber.source, language: 'en', words, sentences };
    const cues = subtitleCues(result);
    ctx.report({ stage: 'writing the transcript, SRT and VTT', progress: 95 });
    return {
      outputs: [
        await saveResult(
          ctx,
          store,
          HIGHLIGHT_OUTPUTS.transcript,
          { json: result },
          {
            engine: result.engine,
            words: words.length,
            sentences: sentences.length,
          },
        ),
        await saveResult(ctx, store, HIGHLIGHT_OUTPUTS.srt, {
          text: formatSrt(cues),
          mime: 'application/x-subrip',
          ext: 'srt',
        }),
        await saveResult(ctx, store, HIGHLIGHT_OUTPUTS.vtt, {
          text: formatVtt(cues),
          mime: 'text/vtt',
          ext: 'vtt',
        }),
      ],
    };
  };

  const layout = async (ctx: Ctx): Promise<StepResult> => {
    ctx.report({ stage: 'finding scene changes', progress: 1 });
    const { file } = await fetchLectureVideo(ctx, store);
    const probe = await ffprobe(file, { signal: ctx.signal });
    const video = probe.streams.find((s) => s.codecType === 'video');
    if (!video?.width || !video.height)
      throw new UnrecoverableError('The lecture file has no video picture to read the layout from.');
    const durationSec = probe.durationSec ?? video.durationSec ?? 0;
    const changes = await detectSceneChanges(file, {
      durationSec,
      signal: ctx.signal,
      onProgress: (f) => ctx.report({ stage: 'finding scene changes', progress: 1 + f * 39 }),
    });
    ocr ??= createTextRecognizer(models());
    const [detector, recognizer] = await Promise.all([faces(), ocr]);
    const stage = `reading ${changes.length + 1} spans (faces, slide text)`;
    ctx.report({ stage, progress: 40 });
    const spans = await analyseLayout(
      { file, width: video.width, height: video.height, durationSec, changes },
      {
        faces: detector,
        ocr: recognizer,
        dir: ctx.scratchDir,
        signal: ctx.signal,
        onProgress: (f) => ctx.report({ stage, progress: 40 + f * 58 }),
      },
    );
    const kinds = Object.fromEntries(
      ['slide', 'speaker', 'picture-in-picture'].map((k) => [k, spans.filter((s) => s.kind === k).length]),
    );
    return {
      outputs: [
        await saveResult(
          ctx,
          store,
          HIGHLIGHT_OUTPUTS.layout,
          { json: { spans } },
          { spans: spans.length, kinds },
        ),
      ],
    };
  };

  const topics = async (ctx: Ctx): Promise<StepResult> => {
    ctx.report({ stage: 'finding topics (TextTiling)', progress: 5 });
    const [regions, t, l] = await Promise.all([
      readUpstreamResult(ctx, store, HIGHLIGHT_OUTPUTS.speech, speechRegionsSchema),
      readUpstreamResult(ctx, store, HIGHLIGHT_OUTPUTS.transcript, transcriptSchema),
      readUpstreamResult(ctx, store, HIGHLIGHT_OUTPUTS.layout, layoutResultSchema),
    ]);
    ctx.report({ stage: 'finding topics (TextTiling)', progress: 40 });
    const found = segmentTopics(t.words, t.sentences, l.spans, regions.durationSec);
    return {
      outputs: [
        await saveResult(
          ctx,
          store,
          HIGHLIGHT_OUTPUTS.topics,
          { json: { topics: found } },
          { topics: found.length },
        ),
      ],
    };
  };

  const candidates = async (ctx: Ctx): Promise<StepResult> => {
    const { params } = ctx;
    ctx.report({ stage: 'cutting candidates', progress: 2 });
    const [regions, t, l, tp] = await Promise.all([
      readUpstreamResult(ctx, store, HIGHLIGHT_OUTPUTS.speech, speechRegionsSchema),
      readUpstreamResult(ctx, store, HIGHLIGHT_OUTPUTS.transcript, transcriptSchema),
      readUpstreamResult(ctx, store, HIGHLIGHT_OUTPUTS.layout, layoutResultSchema),
      readUpstreamResult(ctx, store, HIGHLIGHT_OUTPUTS.topics, topicsResultSchema),
    ]);
    const spans = cutCandidates(t.sentences, regions.silences, params.minClipSec, params.maxClipSec);
    ctx.report({ stage: 'measuring emphasis (loudness, pitch, rate)', progress: 15 });
    const { file, video } = await fetchLectureVideo(ctx, store);
    const audio = await decodeAudio(file, { signal: ctx.signal });
    const prosody = prosodyTrack(audio, regions.speech);
    ctx.report({ stage: 'scoring candidates', progress: 60 });
    let scored = scoreCandidates({
      spans,
      words: t.words,
      sentences: t.sentences,
      topics: tp.topics,
      layout: l.spans,
      prosody,
    });
    const warnings: string[] = [];
    let cacheable = true;
    if (params.llm && !deps.chat)
      warnings.push(
        'No LLM provider is configured on the worker, so the candidates were scored without the llm signal.',
      );
    else if (params.llm && deps.chat && scored.length) {
      ctx.report({ stage: `asking ${deps.chat.source} to judge the best candidates`, progress: 70 });
      try {
        scored = await judgeWithLlm(deps.chat, scored, { lectureTitle: video.title, signal: ctx.signal });
      } catch (err) {
        ctx.signal.throwIfAborted();
        // The other signals stand on their own: keep them, say why the LLM's is missing, and ask
        // the provider again next time rather than reusing this result.
        warnings.push(
          `The LLM provider could not judge the candidates (${(err as Error).message.slice(0, 200)}).`,
        );
        cacheable = false;
      }
    }
    ctx.report({ stage: 'saving candidates', progress: 95 });
    return {
      cacheable,
      outputs: [
        await saveResult(
          ctx,
          store,
          HIGHLIGHT_OUTPUTS.candidates,
          { json: { candidates: scored, minClipSec: params.minClipSec, maxClipSec: params.maxClipSec } },
          { candidates: scored.length, llm: scored.some((c) => c.signals.llm !== undefined), warnings },
        ),
      ],
    };
  };

  const asrDown = deps.remoteTranscriber ? null : (deps.localUnavailable?.() ?? null);
  const unavailable = !registry
    ? NO_MODELS_REASON
    : asrDown
      ? `This worker cannot transcribe lectures: ${asrDown}; or configure a transcription provider (OPENAI_BASE_URL).`
      : null;
  return {
    type: 'highlights.extract',
    ...(unavailable ? { unavailable } : {}),
    steps: {
      speech: {
        version: VERSION,
        // The transcriber is checked first: without it the job fails before any work.
        cacheInput: async (ctx) => ({ asr: transcriberFor(ctx.params).source, video: await lectureKey(ctx) }),
        run: speech,
      },
      transcript: {
        version: VERSION,
        cacheInput: async (ctx) => ({
          video: await lectureKey(ctx),
          speech: upstream(ctx, HIGHLIGHT_OUTPUTS.speech),
          engine: transcriberFor(ctx.params).source,
        }),
        run: transcript,
      },
      layout: {
        version: VERSION,
        cacheInput: async (ctx) => ({ video: await lectureKey(ctx) }),
        run: layout,
      },
      topics: {
        version: VERSION,
        cacheInput: (ctx) =>
          upstream(ctx, HIGHLIGHT_OUTPUTS.speech, HIGHLIGHT_OUTPUTS.transcript, HIGHLIGHT_OUTPUTS.layout),
        run: topics,
      },
      candidates: {
        version: VERSION,
        cacheInput: (ctx) => ({
          results: upstream(
            ctx,
            HIGHLIGHT_OUTPUTS.speech,
            HIGHLIGHT_OUTPUTS.transcript,
            HIGHLIGHT_OUTPUTS.layout,
            HIGHLIGHT_OUTPUTS.topics,
          ),
          clip: [ctx.params.minClipSec, ctx.params.maxClipSec],
          llm: ctx.params.llm ? (deps.chat?.source ?? null) : null,
        }),
        run: candidates,
      },
    },
  };
}
