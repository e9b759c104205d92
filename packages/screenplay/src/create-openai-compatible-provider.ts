import { ScriptGenerationError } from './script-generation-error';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Something that completes a chat; the only I/O in this package goes through one of these. */
export interface LlmProvider {
  /** @throws ScriptGenerationError (`provider_unreachable`, `provider_error`, `bad_response`) */
  complete(messages: ChatMessage[], options?: { signal?: AbortSignal }): Promise<string>;
}

export interface OpenAiCompatibleOptions {
  /** e.g. `https://api.openai.com/v1`, `http://localhost:11434/v1` (Ollama), `http://vllm:8000/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` when given; local servers usually need none. */
  apiKey?: string;
  model: string;
  /** Default 0.8: scripts benefit from some variety. */
  temperature?: number;
  /** Default 4096. */
  maxTokens?: number;
  /** Default 120 000 ms; the request is aborted after it. */
  timeoutMs?: number;
  /** Web fetch to use. Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
}

/**
 * An `LlmProvider` for any server speaking the OpenAI chat completions API: `POST
 * {baseUrl}/chat/completions` with `{ model, messages, temperature, max_tokens }`, reading
 * `choices[0].message.content`. Covers OpenAI, Ollama, vLLM, llama.cpp server and LM Studio.
 */
export function createOpenAiCompatibleProvider(options: OpenAiCompatibleOptions): LlmProvider {
  const doFetch = options.fetch ?? globalThis.fetch;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return {
    async complete(messages, { signal } = {}) {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 120_000);
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          },
          body: JSON.stringify({
            model: options.model,
            messages,
            temperature: options.temperature ?? 0.8,
            max_tokens: options.maxTokens ?? 4096,
            stream: false,
          }),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (cause) {
        throw new ScriptGenerationError('provider_unreachable', `could not reach ${url}`, { cause });
      }
      const body = await response.text().catch(() => '');
      if (!response.ok) {
        throw new ScriptGenerationError('provider_error', `provider answered ${response.status}`, {
          status: response.status,
          body: body.slice(0, 2000),
        });
      }
      let content: unknown;
      try {
        content = (JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]
          ?.message?.content;
      } catch {
        content = undefined;
      }
      if (typeof content !== 'string') {
        throw new ScriptGenerationError('bad_response', 'provider reply has no choices[0].message.content', {
          status: response.status,
          body: body.slice(0, 2000),
        });
      }
      return content;
    },
  };
}
