import { ProviderError } from './provider-error';
import { readJson, requestProvider } from './request-provider';
import type { ChatMessage, ChatModel } from './task-interfaces';

/**
 * Chat through Ollama's native API (`POST /api/chat`, `stream: false`, reading `message.content`).
 * Ollama also serves the OpenAI shape under `/v1`; the native one reports model-not-pulled errors
 * more clearly. Structured answers pass the JSON Schema as `format` (Ollama 0.5 and later).
 */
export function createOllamaChat(config: { baseUrl: string; model: string; timeoutMs: number }): ChatModel {
  const url = `${config.baseUrl.replace(/\/+$/, '')}/api/chat`;
  const chat = async (
    messages: ChatMessage[],
    format: Record<string, unknown> | undefined,
    options: { signal?: AbortSignal; temperature?: number },
  ) => {
    const res = await requestProvider(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: config.model,
        messages,
        stream: false,
        ...(format ? { format } : {}),
        options: { temperature: options.temperature ?? 0.7 },
      }),
      timeoutMs: config.timeoutMs,
      signal: options.signal,
    });
    const body = await readJson<{ message?: { content?: unknown }; error?: string }>(res, url);
    if (typeof body.message?.content !== 'string')
      throw new ProviderError(
        'bad_response',
        `${url}: no message.content${body.error ? ` (${body.error})` : ''}`,
      );
    return body.message.content;
  };
  return {
    source: `ollama ${config.baseUrl} (${config.model})`,
    complete: (messages, options = {}) => chat(messages, undefined, options),
    completeJson: (messages, format, options = {}) => chat(messages, format.schema, options),
  };
}
