import { createCapabilities } from '@clapboard/server/jobs';
import { createLogger } from '@clapboard/server/logger';
import { type LessonDraft, lessonDraftSchema } from '@clapboard/shared/lessons';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pipelineRegistry } from '../src/jobs/pipeline';
import { createModelRegistry } from '../src/models/model-registry';
import { startModelsReport } from '../src/models/start-models-report';
import { lessonDraftPipeline, NO_CHAT_PROVIDER_REASON } from '../src/pipelines/lesson-draft';
import { selectProviders } from '../src/providers/select-providers';
import type { ChatModel } from '../src/providers/task-interfaces';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, waitFor } from './support/job-harness';
import { providerEnv, providerServer, type Seen } from './support/provider-server';

/** A draft a model might write: two sections with slides, and a quiz when asked. */
function goodDraft(withQuiz: boolean): LessonDraft {
  return {
    title: 'Using a fire extinguisher',
    sections: [
      {
        title: 'Pull, aim, squeeze, sweep',
        narration: 'Remember four words: pull the pin, aim low, squeeze the handle and sweep side to side.',
        slide: { title: 'P.A.S.S.', bullets: ['Pull', 'Aim', 'Squeeze', 'Sweep'] },
      },
      {
        title: 'When to leave',
        narration: 'If the fire spreads or the room fills with smoke, leave at once and close the door.',
        slide: null,
      },
    ],
    quiz: withQuiz
      ? {
          questions: [{ prompt: 'What does the A stand for?', choices: ['Aim', 'Alarm', 'Away'], answer: 0 }],
        }
      : null,
  };
}

const jobRow = (h: JobHarness, id: string) =>
  h.db.sql<{ status: string; error: string | null; outputs: Array<{ name: string; value?: unknown }> }[]>`
    select status, error, outputs from jobs where id = ${id}`.then((r) => r[0]!);

const finished = (h: JobHarness, id: string, timeoutMs = 20_000) =>
  waitFor(
    () => jobRow(h, id),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
    timeoutMs,
  );

describe('lesson.draft through the real queue, against local OpenAI and Ollama servers', () => {
  let h: JobHarness;
  const openai = providerServer('openai');
  const ollama = providerServer('ollama');
  let openaiChat: ChatModel;
  let ollamaChat: ChatModel;
  let lessonId: string;
  const workers: ClapboardWorker[] = [];

  const startWorker = async (chat: ChatModel | undefined, handback = { delayMs: 100, limitMs: 60_000 }) => {
    const w = h.createWorker({
      pipelines: pipelineRegistry([lessonDraftPipeline({ chat }) as never]),
      handback,
    });
    workers.push(w);
    await w.ready();
    return w;
  };
  const params = (over: Record<string, unknown> = {}) => ({
    lessonId,
    topic: 'Using a fire extinguisher',
    audience: 'new warehouse staff',
    minutes: 2,
    tone: 'calm',
    withQuiz: false,
    ...over,
  });

  beforeAll(async () => {
    h = await createJobHarness();
    const [l] = await h.db.sql<{ id: string }[]>`
      insert into lessons (project_id, title) values (${h.projectId}, 'Fire safety') returning id`;
    lessonId = l!.id;
    openaiChat = selectProviders(
      providerEnv({ OPENAI_BASE_URL: `${await openai.start()}/v1`, OPENAI_API_KEY: 'sk-test' }),
    ).chat!;
    ollamaChat = selectProviders(providerEnv({ OLLAMA_BASE_URL: await ollama.start() })).chat!;
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  });
  afterAll(async () => {
    await Promise.all([openai.close(), ollama.close()]);
    await h.close();
  });

  it('OpenAI-compatible: an answer that is not JSON is corrected once, then the draft validates', async () => {
    await startWorker(openaiChat);
    openai.answer(
      'Sure! Here is your lesson: Using a fire extinguisher...',
      JSON.stringify(goodDraft(false)),
    );
    const jobId = await h.enqueue('lesson.draft', params());
    const watcher = await h.watch(jobId);
    const row = await finished(h, jobId);
    expect(row.error).toBeNull();
    expect(row.status).toBe('completed');
    const draft = row.outputs.find((o) => o.name === 'draft')?.value;
    expect(lessonDraftSchema.parse(draft)).toEqual(goodDraft(false));
    expect(row.outputs.find((o) => o.name === 'provider')?.value).toEqual({
      source: expect.stringMatching(/^openai-compatible http:\/\/127\.0\.0\.1:\d+\/v1 \(draft-model\)$/),
      attempts: 2,
    });

    // What the provider was asked: structured output with the draft's schema, strict, both times.
    expect(openai.seen).toHaveLength(2);
    const [first, second] = openai.seen as [Seen, Seen];
    expect(first.auth).toBe('Bearer sk-test');
    expect(first.body).toMatchObject({ model: 'draft-model', stream: false });
    const format = first.body.response_format as {
      type: string;
      json_schema: { name: string; strict: boolean; schema: Record<string, unknown> };
    };
    expect(format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'lesson_draft', strict: true },
    });
    expect(format.json_schema.schema).toMatchObject({
      type: 'object',
      required: ['title', 'sections', 'quiz'],
      additionalProperties: false,
      properties: { quiz: { type: 'null' } },
    });
    expect(JSON.stringify(format.json_schema.schema)).not.toMatch(/maxLength|"default"|\$schema/);
    const userPrompt = (first.body.messages as Array<{ role: string; content: string }>)[1]!.content;
    expect(userPrompt).toContain('Topic: Using a fire extinguisher');
    expect(userPrompt).toContain('Audience: new warehouse staff');
    expect(userPrompt).toContain('about 300 words');
    expect(userPrompt).toContain('Tone: calm.');
    // The correction carries the bad answer and why it failed.
    const retry = second.body.messages as Array<{ role: string; content: string }>;
    expect(retry).toHaveLength(4);
    expect(retry[2]).toEqual({ role: 'assistant', content: expect.stringContaining('Sure! Here is') });
    expect(retry[3]!.content).toMatch(/not valid JSON/);

    // Progress: never backwards, 100 only at the end.
    await waitFor(
      () => watcher.finished.length,
      (n) => n === 1,
    );
    const values = watcher.progress.map((p) => p.progress);
    expect(values.length).toBeGreaterThan(0);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
    expect(values.slice(0, -1).every((v) => v < 100)).toBe(true);
    expect(watcher.progress.some((p) => p.stage.startsWith('asking openai-compatible'))).toBe(true);
  });

  it('OpenAI-compatible: a quiz answer outside its choices, twice, fails the job with a clear message', async () => {
    await startWorker(openaiChat);
    const bad = goodDraft(true);
    bad.quiz!.questions[0]!.answer = 3;
    openai.answer(JSON.stringify(bad), `\`\`\`json\n${JSON.stringify(bad)}\n\`\`\``);
    const jobId = await h.enqueue('lesson.draft', params({ withQuiz: true }));
    const row = await finished(h, jobId);
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/did not return a usable lesson draft in 2 answers/);
    expect(row.error).toContain('quiz.questions.0.answer: answer must index one of the choices');
    expect(openai.seen).toHaveLength(2); // asked once more, then gave up (no BullMQ retry)
    // With a quiz asked for, the schema requires the quiz object.
    const schema = (
      openai.seen[0]!.body.response_format as { json_schema: { schema: { properties: { quiz: unknown } } } }
    ).json_schema.schema;
    expect(schema.properties.quiz).toMatchObject({ type: 'object', required: ['questions'] });
    const retry = openai.seen[1]!.body.messages as Array<{ content: string }>;
    expect(retry.at(-1)!.content).toContain('answer must index one of the choices');
  });

  it('OpenAI-compatible: a 400 from the provider fails at once with its status', async () => {
    await startWorker(openaiChat);
    openai.answer({ status: 400, body: { error: { message: 'model not found' } } });
    const jobId = await h.enqueue('lesson.draft', params());
    const row = await finished(h, jobId);
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/The LLM provider failed: .*\/chat\/completions answered 400/);
    expect(openai.seen).toHaveLength(1);
  });

  it('Ollama: /api/chat with the JSON Schema as format; a quiz drafted when asked', async () => {
    await startWorker(ollamaChat);
    ollama.answer(JSON.stringify(goodDraft(true)));
    const jobId = await h.enqueue('lesson.draft', params({ withQuiz: true, minutes: 1 }));
    const row = await finished(h, jobId);
    expect(row.status).toBe('completed');
    expect(row.outputs.find((o) => o.name === 'draft')?.value).toEqual(goodDraft(true));
    expect(row.outputs.find((o) => o.name === 'provider')?.value).toMatchObject({
      source: expect.stringMatching(/^ollama http:\/\/127\.0\.0\.1:\d+ \(llama-test\)$/),
      attempts: 1,
    });
    const [asked] = ollama.seen as [Seen];
    expect(asked.path).toBe('/api/chat');
    expect(asked.body).toMatchObject({ model: 'llama-test', stream: false });
    expect(asked.body.format).toMatchObject({
      type: 'object',
      properties: { sections: { type: 'array', minItems: 1 }, quiz: { type: 'object' } },
    });
    expect((asked.body.messages as Array<{ content: string }>)[1]!.content).toContain('End with a quiz');
  });

  it('a deleted lesson fails before the provider is asked', async () => {
    await startWorker(openaiChat);
    openai.answer(JSON.stringify(goodDraft(false)));
    const [gone] = await h.db.sql<{ id: string }[]>`
      insert into lessons (project_id, title, deleted_at) values (${h.projectId}, 'Gone', now()) returning id`;
    const jobId = await h.enqueue('lesson.draft', params({ lessonId: gone!.id }));
    const row = await finished(h, jobId);
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/lesson was deleted/);
    expect(openai.seen).toHaveLength(0);
  });

  it('without a chat provider the worker declines the type with the reason the API passes on', async () => {
    const worker = await startWorker(undefined);
    expect(worker.jobTypes).not.toContain('lesson.draft');
    expect(worker.declined).toEqual([{ type: 'lesson.draft', reason: NO_CHAT_PROVIDER_REASON }]);
    const redisPrefix = `${h.prefix}:caps`;
    const registry = createModelRegistry({
      device: { requested: 'cpu', provider: 'cpu', reason: null },
      log: createLogger('t', { level: 'silent' }),
    });
    const report = startModelsReport({
      redis: h.redis,
      redisPrefix,
      registry,
      workerId: 'no-llm',
      pipelines: worker.jobTypes,
      unavailable: worker.declined,
      log: createLogger('t', { level: 'silent' }),
      intervalMs: 60_000,
    });
    await report.publishNow();
    report.stop();
    const caps = await createCapabilities(h.redis, redisPrefix).get();
    expect(caps.runnable.has('lesson.draft')).toBe(false);
    expect(caps.missing.get('lesson.draft')).toBe(NO_CHAT_PROVIDER_REASON);
    await h.redis.del(`${redisPrefix}:models:no-llm`);
  });

  it('a step that reaches a worker without a provider is handed back to one with a provider', async () => {
    // Only the declining worker runs at first: the step bounces between queue and worker.
    await startWorker(undefined, { delayMs: 100, limitMs: 60_000 });
    openai.answer(JSON.stringify(goodDraft(false)));
    const jobId = await h.enqueue('lesson.draft', params());
    await new Promise((r) => setTimeout(r, 600));
    expect((await jobRow(h, jobId)).status).toBe('queued');
    expect(openai.seen).toHaveLength(0);
    await startWorker(openaiChat);
    const row = await finished(h, jobId);
    expect(row.status).toBe('completed');
    expect(openai.seen).toHaveLength(1);
  });

  it('with no worker able to run it, the step fails with the reason once the hand-back limit passes', async () => {
    await startWorker(undefined, { delayMs: 100, limitMs: 800 });
    const jobId = await h.enqueue('lesson.draft', params());
    const row = await finished(h, jobId);
    expect(row.status).toBe('failed');
    expect(row.error).toBe(`draft failed: ${NO_CHAT_PROVIDER_REASON}`);
  });
});
