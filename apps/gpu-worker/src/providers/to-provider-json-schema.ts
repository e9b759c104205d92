import { z } from 'zod';

/**
 * Keywords dropped from schemas sent to providers: OpenAI's strict structured outputs refuse a
 * schema that uses them (string lengths, defaults, `$schema`), and local servers (Ollama,
 * llama.cpp grammars) ignore or mistranslate them. The bounds still hold: the caller validates
 * the answer with the zod schema the JSON Schema came from.
 */
const DROPPED = new Set(['$schema', 'default', 'minLength', 'maxLength']);

function clean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clean);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key)) continue;
    // zod writes `maximum: MAX_SAFE_INTEGER` for plain ints: no bound worth sending.
    if (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) continue;
    out[key] = clean(value);
  }
  return out;
}

/**
 * The JSON Schema of what `schema` parses to (its output: fields with defaults are required, every
 * object closed with `additionalProperties: false`, as strict structured outputs need), without
 * the keywords providers refuse (see DROPPED).
 */
export function toProviderJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return clean(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' })) as Record<string, unknown>;
}
