import { findBannedWords } from '@clapboard/screenplay';
import {
  DOC_CHANNEL_MESSAGE,
  decodeDocChannelMessage,
  docChannel,
  loadDocument,
  readDocumentContent,
} from '@clapboard/server/documents';
import type { Brief, StoryboardDraft } from '@clapboard/shared/campaigns';
import { readStoredScene, type StoredScene } from '@clapboard/shared/document';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pipelineRegistry } from '../src/jobs/pipeline';
import { briefDraftPipeline, NO_CHAT_PROVIDER_FOR_BRIEFS } from '../src/pipelines/brief-draft';
import { selectProviders } from '../src/providers/select-providers';
import type { ChatModel } from '../src/providers/task-interfaces';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, submitAsApi, waitFor } from './support/job-harness';
import { providerEnv, providerServer } from './support/provider-server';

const MUST_SAY = ['Made from Swedish oats', 'Wow no cow'];
const BANNED = ['cheap', 'milky'];

/** A draft a model might write for the brief below: every must-say line spoken, no banned word. */
function goodDraft(): StoryboardDraft {
  return {
    title: 'Foam forward',
    scenes: [
      {
        heading: 'INT. CITY CAFE - MORNING',
        action: 'A barista pours oat foam into a flat white.',
        lines: [{ speaker: 'BARISTA', text: 'Foams like milk, tastes like oats.' }],
        durationSec: 8,
        shot: 'close',
        imagePrompt: 'latte art in oat foam, morning light',
      },
      {
        heading: 'EXT. OAT FIELD - DAY',
        action: 'Wind over a Swedish oat field.',
        lines: [{ speaker: 'NARRATOR', text: 'Made from Swedish oats, grown slow.' }],
        durationSec: 10,
        shot: 'wide',
        imagePrompt: 'golden oat field in Sweden',
      },
      {
        heading: 'INT. CITY CAFE - MORNING',
        action: 'The carton on the counter.',
        lines: [{ speaker: 'NARRATOR', text: 'Wow no cow. Ask for it by name.' }],
        durationSec: 6,
        shot: 'medium',
        imagePrompt: 'oat drink carton on a cafe counter',
      },
    ],
  };
}

describe('brief.draft through the real queue, against a local OpenAI-compatible server', () => {
  let h: JobHarness;
  const openai = providerServer('openai');
  let chat: ChatModel;
  let briefId: string;
  const workers: ClapboardWorker[] = [];

  const startWorker = async (model: ChatModel | undefined) => {
    const w = h.createWorker({
      pipelines: pipelineRegistry([briefDraftPipeline({ chat: model, redis: h.redis }) as never]),
    });
    workers.push(w);
    await w.ready();
    return w;
  };
  const jobRow = (id: string) =>
    h.db.sql<{ status: string; error: string | null; outputs: Array<{ name: string; value?: unknown }> }[]>`
      select status, error, outputs from jobs where id = ${id}`.then((r) => r[0]!);
  const finished = (id: string) =>
    waitFor(
      () => jobRow(id),
      (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
    );
  const lastDraft = async () =>
    (
      await h.db.sql<
        { last_draft: Brief['lastDraft'] }[]
      >`select last_draft from briefs where id = ${briefId}`
    )[0]!.last_draft;
  const content = async () => {
    const { doc } = await loadDocument(h.db.sql, h.projectId);
    const { script, scenes } = readDocumentContent(doc);
    return { script, scenes: scenes.map(readStoredScene).filter((s): s is StoredScene => s !== null) };
  };
  const lastUserMessage = (i: number) => {
    const messages = openai.seen[i]!.body.messages as Array<{ role: string; content: string }>;
    return messages.at(-1)!.content;
  };

  beforeAll(async () => {
    h = await createJobHarness();
    const sql = h.db.sql;
    const [client] = await sql<{ id: string }[]>`insert into clients (name) values ('Oat Co') returning id`;
    const [kit] = await sql<{ id: string }[]>`
      insert into brand_kits (client_id, name, style)
      values (${client!.id}, 'Kit', ${sql.json({ writing: { voice: 'Plain and warm', mustSay: ['Wow no cow'], bannedWords: ['milky'] } })})
      returning id`;
    const [campaign] = await sql<{ id: string }[]>`
      insert into campaigns (client_id, name, brand_kit_id) values (${client!.id}, 'Spring', ${kit!.id}) returning id`;
    await sql`update projects set campaign_id = ${campaign!.id} where id = ${h.projectId}`;
    const fields = {
      title: 'Spring launch',
      product: 'Oat Barista, an oat drink that foams',
      audience: 'baristas',
      keyMessage: 'Foams like milk, tastes like oats.',
      mustSay: ['Made from Swedish oats'],
      bannedWords: ['cheap'],
      tone: 'bold',
      platforms: ['instagram-reels'],
      durations: [30],
      callToAction: 'Ask for it by name.',
      referenceAssetIds: [],
    };
    const [brief] = await sql<{ id: string }[]>`
      insert into briefs (campaign_id, project_id, fields, created_by)
      values (${campaign!.id}, ${h.projectId}, ${sql.json(fields)}, ${h.userId}) returning id`;
    briefId = brief!.id;
    chat = selectProviders(
      providerEnv({ OPENAI_BASE_URL: `${await openai.start()}/v1`, OPENAI_API_KEY: 'sk-test' }),
    ).chat!;
  });
  beforeEach(async () => {
    // Every case starts from an empty project document and a brief never drafted.
    await h.db.sql`delete from doc_updates where doc_id = ${h.projectId}`;
    await h.db.sql`update briefs set last_draft = null where id = ${briefId}`;
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  });
  afterAll(async () => {
    await openai.close();
    await h.close();
  });

  it('a valid answer is written into the document as script and scenes, published, and recorded as an llm draft', async () => {
    await startWorker(chat);
    openai.answer(JSON.stringify(goodDraft()));
    const sub = h.redis.duplicate();
    const published = new Promise<void>((resolve) => {
      sub.on('messageBuffer', (_c: Buffer, data: Buffer) => {
        if (decodeDocChannelMessage(data)?.kind === DOC_CHANNEL_MESSAGE.update) resolve();
      });
    });
    await sub.subscribe(docChannel(h.projectId));
    const jobId = await submitAsApi(h, 'brief.draft', { briefId });
    const row = await finished(jobId);
    expect(row.error).toBeNull();
    expect(row.status).toBe('completed');
    await published;
    sub.disconnect();
    expect(openai.seen).toHaveLength(1);

    const doc = await content();
    const live = doc.scenes.filter((s) => !s.removed);
    expect(live.map((s) => [s.heading, s.shot, s.imagePrompt])).toEqual(
      goodDraft().scenes.map((s) => [s.heading, s.shot, s.imagePrompt]),
    );
    // The model's 8 + 10 + 6 s are scaled to the brief's 30 s, keeping their proportions.
    expect(live.map((s) => s.durationSec)).toEqual([10, 13, 7]);
    expect(live[1]!.dialogue.map((d) => [d.character, d.text])).toEqual([
      ['NARRATOR', 'Made from Swedish oats, grown slow.'],
    ]);
    const spoken = live.flatMap((s) => s.dialogue.map((d) => d.text));
    for (const line of MUST_SAY)
      expect(
        spoken.some((t) => t.includes(line)),
        line,
      ).toBe(true);
    expect(doc.script).toContain('Title: Foam forward');
    expect(findBannedWords(doc.script, BANNED)).toEqual([]);
    expect(await lastDraft()).toEqual({
      source: 'llm',
      provider: chat.source,
      jobId,
      at: expect.any(String),
    });
    expect(row.outputs.find((o) => o.name === 'provider')?.value).toEqual({
      source: chat.source,
      attempts: 1,
    });

    // What the model was asked: the draft's schema as structured output, the brief and the rules.
    const first = openai.seen[0]!.body;
    expect(first.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'storyboard_draft', strict: true },
    });
    const prompt = (first.messages as Array<{ content: string }>)[1]!.content;
    expect(prompt).toContain('Key message: Foams like milk, tastes like oats.');
    expect(prompt).toContain('Brand voice: Plain and warm');
    expect(prompt).toContain('Length: 30 seconds in total');
    expect(prompt).toContain('MUST SAY, each word for word: "Made from Swedish oats", "Wow no cow".');
    expect(prompt).toContain('NEVER USE: "cheap", "milky".');
  });

  it('an answer that is not JSON twice fails the job with a clear message after exactly two requests', async () => {
    await startWorker(chat);
    openai.answer('Here is a storyboard: a barista pours...', '```json\n{"title": "x", "scenes": [\n```');
    const jobId = await submitAsApi(h, 'brief.draft', { briefId });
    const row = await finished(jobId);
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/The LLM's draft was not valid twice: the answer is not valid JSON/);
    expect(openai.seen).toHaveLength(2);
    expect(lastUserMessage(1)).toMatch(/not valid JSON/);
    expect((await content()).script).toBe('');
    expect(await lastDraft()).toBeNull();
  });

  it('a first answer missing a must-say line is corrected once, then written', async () => {
    await startWorker(chat);
    const missing = goodDraft();
    missing.scenes[2]!.lines = [{ speaker: 'NARRATOR', text: 'Ask for it by name.' }];
    openai.answer(JSON.stringify(missing), JSON.stringify(goodDraft()));
    const jobId = await submitAsApi(h, 'brief.draft', { briefId });
    const row = await finished(jobId);
    expect(row.error).toBeNull();
    expect(row.status).toBe('completed');
    expect(openai.seen).toHaveLength(2);
    expect(lastUserMessage(1)).toContain("missing must-say line 'Wow no cow'");
    const spoken = (await content()).scenes.flatMap((s) => s.dialogue.map((d) => d.text));
    expect(spoken).toContain('Wow no cow. Ask for it by name.');
    expect(row.outputs.find((o) => o.name === 'provider')?.value).toMatchObject({ attempts: 2 });
  });

  it('a banned word in both answers fails the job naming the word and where it was', async () => {
    await startWorker(chat);
    const banned = goodDraft();
    banned.scenes[0]!.imagePrompt = 'a milky latte';
    openai.answer(JSON.stringify(banned), JSON.stringify(banned));
    const jobId = await submitAsApi(h, 'brief.draft', { briefId });
    const row = await finished(jobId);
    expect(row.status).toBe('failed');
    expect(row.error).toContain(
      "The LLM's draft was not valid twice: banned word 'milky' in scene 1 image prompt",
    );
    expect(openai.seen).toHaveLength(2);
    expect((await content()).script).toBe('');
  });

  it('without a chat provider the worker declines the type with the reason the API passes on', async () => {
    const worker = await startWorker(undefined);
    expect(worker.jobTypes).not.toContain('brief.draft');
    expect(worker.declined).toEqual([{ type: 'brief.draft', reason: NO_CHAT_PROVIDER_FOR_BRIEFS }]);
  });
});
