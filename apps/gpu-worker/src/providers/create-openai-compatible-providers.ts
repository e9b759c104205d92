import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ffprobe } from '@clapboard/server/media';
import type { RecognizedWord } from '../speech/recognize-speech';
import { ProviderError } from './provider-error';
import { readJson, requestProvider } from './request-provider';
import type {
  ChatMessage,
  ChatModel,
  ImageGenerator,
  SpeechSynthesizer,
  SpeechTranscriber,
} from './task-interfaces';

export interface OpenAiCompatibleConfig {
  /** e.g. `https://api.openai.com/v1`, `http://vllm:8000/v1`, `http://localai:8080/v1`. */
  baseUrl: string;
  apiKey?: string;
  chatModel: string;
  imageModel: string;
  transcribeModel: string;
  speechModel: string;
  /** Per request, in ms. */
  timeoutMs: number;
}

/**
 * Adapters for a server speaking OpenAI's API: chat completions (structured answers through
 * `response_format: { type: 'json_schema' }`), image generations (`b64_json`),
 * audio transcriptions (`verbose_json` with word timestamps) and audio speech (WAV).
 */
export function createOpenAiCompatibleProviders(config: OpenAiCompatibleConfig): {
  chat: ChatModel;
  images: ImageGenerator;
  transcriber: SpeechTranscriber;
  synthesizer: SpeechSynthesizer;
} {
  const base = config.baseUrl.replace(/\/+$/, '');
  const auth: Record<string, string> = config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {};
  const json = (body: unknown) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify(body),
    timeoutMs: config.timeoutMs,
  });
  const source = (model: string) => `openai-compatible ${base} (${model})`;
  const chatCompletion = async (
    messages: ChatMessage[],
    responseFormat: Record<string, unknown> | undefined,
    options: { signal?: AbortSignal; temperature?: number },
  ): Promise<string> => {
    const url = `${base}/chat/completions`;
    const res = await requestProvider(url, {
      ...json({
        model: config.chatModel,
        messages,
        temperature: options.temperature ?? 0.7,
        stream: false,
        ...(responseFormat ? { response_format: responseFormat } : {}),
      }),
      signal: options.signal,
    });
    const body = await readJson<{
      choices?: Array<{ message?: { content?: unknown; refusal?: unknown } }>;
    }>(res, url);
    const message = body.choices?.[0]?.message;
    // Structured outputs answer a refusal in its own field instead of content.
    if (typeof message?.refusal === 'string' && message.refusal)
      throw new ProviderError('rejected', `${url}: the model refused: ${message.refusal.slice(0, 300)}`);
    if (typeof message?.content !== 'string')
      throw new ProviderError('bad_response', `${url}: no choices[0].message.content`);
    return message.content;
  };

  return {
    chat: {
      source: source(config.chatModel),
      complete: (messages, options = {}) => chatCompletion(messages, undefined, options),
      completeJson: (messages, format, options = {}) =>
        chatCompletion(
          messages,
          // Strict: servers that support it constrain decoding to the schema.
          { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, strict: true } },
          options,
        ),
    },
    images: {
      source: source(config.imageModel),
      async generate(prompt, options = {}) {
        const url = `${base}/images/generations`;
        const size = `${options.width ?? 1024}x${options.height ?? 1024}`;
        const res = await requestProvider(url, {
          ...json({ model: config.imageModel, prompt, n: 1, size, response_format: 'b64_json' }),
          signal: options.signal,
        });
        const body = await readJson<{ data?: Array<{ b64_json?: unknown }> }>(res, url);
        const b64 = body.data?.[0]?.b64_json;
        if (typeof b64 !== 'string') throw new ProviderError('bad_response', `${url}: no data[0].b64_json`);
        return Buffer.from(b64, 'base64');
      },
    },
    transcriber: {
      source: source(config.transcribeModel),
      async transcribe(file, options = {}) {
        const url = `${base}/audio/transcriptions`;
        const form = new FormData();
        form.append('file', new Blob([await readFile(file)]), basename(file));
        form.append('model', config.transcribeModel);
        form.append('response_format', 'verbose_json');
        form.append('timestamp_granularities[]', 'word');
        const res = await requestProvider(url, {
          method: 'POST',
          headers: auth,
          body: form,
          timeoutMs: config.timeoutMs,
          signal: options.signal,
        });
        const body = await readJson<{
          text?: unknown;
          words?: Array<{ word: string; start: number; end: number }>;
        }>(res, url);
        if (typeof body.text !== 'string') throw new ProviderError('bad_response', `${url}: no text`);
        const words: RecognizedWord[] = (body.words ?? []).map((w) => ({
          word: w.word.trim(),
          startSec: w.start,
          endSec: w.end,
          confidence: 1, // the API gives none
        }));
        return { text: body.text.trim(), words };
      },
    },
    synthesizer: {
      source: source(config.speechModel),
      async synthesize(text, outFile, options = {}) {
        const url = `${base}/audio/speech`;
        const res = await requestProvider(url, {
          ...json({
            model: config.speechModel,
            input: text,
            voice: options.voice ?? 'alloy',
            response_format: 'wav',
          }),
          signal: options.signal,
        });
        await writeFile(outFile, Buffer.from(await res.arrayBuffer()));
        const probe = await ffprobe(outFile).catch(() => {
          throw new ProviderError('bad_response', `${url}: the reply is not audio`);
        });
        return { durationSec: probe.durationSec ?? 0 };
      },
    },
  };
}
