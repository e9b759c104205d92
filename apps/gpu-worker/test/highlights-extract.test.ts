import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@clapboard/server/logger';
import { createLocalBlobStore } from '@clapboard/server/storage';
import type { TranscriptSentence, TranscriptWord } from '@clapboard/shared/highlights';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, pipelineRegistry } from '../src/jobs/pipeline';
import { createModelRegistry } from '../src/models/model-registry';
import {
  highlightsExtractPipeline,
  NO_TRANSCRIPTION_PROVIDER_REASON,
  transcribeLecture,
} from '../src/pipelines/highlights-extract';
import { cutCandidates } from '../src/pipelines/highlights-extract/cut-candidates';
import { speechRegions } from '../src/pipelines/highlights-extract/speech-regions';
import { splitSentences } from '../src/pipelines/highlights-extract/split-sentences';
import { chunkAtSilences } from '../src/pipelines/highlights-extract/transcribe-lecture';
import { createOpenAiCompatibleProviders } from '../src/providers/create-openai-compatible-providers';
import { createJobHarness, waitFor } from './support/job-harness';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-hl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A lecture of `n` sentences of 4 words (0.4 s each, 0.1 s apart), with `gap(i)` s of silence after sentence i. */
function talk(n: number, gap: (i: number) => number) {
  const words: TranscriptWord[] = [];
  const speech: Array<{ startSec: number; endSec: number }> = [];
  let t = 1;
  for (let i = 0; i < n; i++) {
    const start = t;
    for (let w = 0; w < 4; w++) {
      words.push({ word: `w${i}x${w}`, startSec: t, endSec: t + 0.4 });
      t += 0.5;
    }
    speech.push({ startSec: start, endSec: t - 0.1 });
    t += gap(i) - 0.1;
  }
  return { words, regions: speechRegions(speech, t + 1) };
}

describe('cutting candidates', () => {
  it('every candidate starts and ends inside a pause at a sentence boundary, within the length bounds', () => {
    // Paragraphs of three sentences: short pauses inside, long ones between.
    const { words, regions } = talk(30, (i) => (i % 3 === 2 ? 1.6 : 0.5));
    const sentences = splitSentences(words, regions.silences);
    expect(sentences).toHaveLength(30);
    const cands = cutCandidates(sentences, regions.silences, 8, 20);
    expect(cands.length).toBeGreaterThan(5);
    const inPause = (t: number) => regions.silences.some((s) => s.startSec < t && t < s.endSec);
    const inWord = (t: number) => words.some((w) => w.startSec <= t && t <= w.endSec);
    for (const c of cands) {
      expect([inPause(c.startSec), inPause(c.endSec), inWord(c.startSec), inWord(c.endSec)]).toEqual([
        true,
        true,
        false,
        false,
      ]);
      expect(c.endSec - c.startSec).toBeGreaterThanOrEqual(8);
      expect(c.endSec - c.startSec).toBeLessThanOrEqual(20);
      // Ends at the first long pause in reach: whole paragraphs.
      expect(c.pauseAfterSec).toBeGreaterThan(1.4);
    }
  });

  it('sentences end at punctuation when the transcriber gives it', () => {
    const words: TranscriptWord[] = ['Hello', 'there.', 'How', 'are', 'you?'].map((word, i) => ({
      word,
      startSec: i * 0.3,
      endSec: i * 0.3 + 0.25,
    }));
    const s: TranscriptSentence[] = splitSentences(words);
    expect(s.map((x) => x.text)).toEqual(['Hello there.', 'How are you?']);
  });

  it('chunks for the transcriber are cut in silences and cover every speech span', () => {
    const { regions } = talk(40, () => 0.6);
    const chunks = chunkAtSilences(regions, 15);
    expect(chunks.length).toBeGreaterThan(4);
    for (const c of chunks) expect(c.endSec - c.startSec).toBeLessThanOrEqual(15.5);
    for (const s of regions.speech)
      expect(chunks.some((c) => c.startSec <= s.startSec && s.endSec <= c.endSec)).toBe(true);
    for (const c of chunks.slice(1))
      expect(regions.silences.some((s) => s.startSec <= c.startSec && c.startSec <= s.endSec)).toBe(true);
  });
});

describe('transcription through an OpenAI-compatible endpoint', () => {
  let server: Server;
  let url = '';
  let requests = 0;
  beforeAll(async () => {
    // Answers every chunk with one word at 0.2–0.6 s of the chunk, as verbose_json.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ text: `chunk ${requests}`, words: [{ word: ' hello', start: 0.2, end: 0.6 }] }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('puts each chunk’s words on the lecture’s clock', async () => {
    const { regions } = talk(12, () => 0.6);
    const { transcriber } = createOpenAiCompatibleProviders({
      baseUrl: url,
      chatModel: 'x',
      imageModel: 'x',
      transcribeModel: 'whisper-1',
      speechModel: 'x',
      timeoutMs: 5_000,
    });
    const audio = { samples: new Float32Array(Math.ceil(regions.durationSec * 16_000)), sampleRate: 16_000 };
    const chunks = chunkAtSilences(regions, 10);
    const words = await transcribeLecture(audio, regions, transcriber, {
      dir,
      maxChunkSec: 10,
      concurrency: 2,
    });
    expect(requests).toBe(chunks.length);
    expect(words.map((w) => w.startSec)).toEqual(
      chunks.map((c) => Math.round((c.startSec + 0.2) * 1000) / 1000),
    );
    expect(words.every((w) => w.word === 'hello')).toBe(true);
  });
});

describe('highlights.extract through the real queue', () => {
  it('asking for the transcription provider on a worker without one fails at once with the reason', async () => {
    const h = await createJobHarness();
    const store = createLocalBlobStore(join(dir, 'blobs'));
    const registry = createModelRegistry({
      device: { requested: 'cpu', provider: 'cpu', reason: null },
      log: createLogger('hl-test', { level: 'silent' }),
    });
    const worker = h.createWorker({
      store,
      pipelines: pipelineRegistry([highlightsExtractPipeline({ store, registry }) as Pipeline<never>]),
    });
    try {
      await worker.ready();
      const jobId = await h.enqueue('highlights.extract', {
        lectureId: randomUUID(),
        transcriber: 'provider',
        minClipSec: 20,
        maxClipSec: 90,
        llm: false,
      });
      const [row] = await waitFor(
        () =>
          h.db.sql<
            { status: string; error: string | null }[]
          >`select status, error from jobs where id = ${jobId}`,
        (rows) => rows[0]?.status === 'failed',
        30_000,
      );
      expect(row!.error).toContain(NO_TRANSCRIPTION_PROVIDER_REASON);
    } finally {
      await worker.close();
      await h.close();
      await registry.close();
    }
  });
});
