import type { Brief } from './brief-schema';
import { briefSchema } from './brief-schema';
import type { LlmProvider } from './create-openai-compatible-provider';
import { extractFountain } from './extract-fountain';
import { extractScenes, type ScriptScene } from './extract-scenes';
import type { FountainDocument } from './fountain-ast';
import { parseFountain } from './parse-fountain';
import { DIALOGUE_WORDS_PER_SECOND } from './reading-pace';
import { ScriptGenerationError } from './script-generation-error';

export type ScriptRequest = { prompt: string } | { brief: Brief };

export interface GeneratedScript {
  fountain: string;
  document: FountainDocument;
  scenes: ScriptScene[];
}

/** Writes a screenplay from a prompt or a brief. */
export interface ScriptGenerator {
  /** @throws ScriptGenerationError */
  generate(request: ScriptRequest, options?: { signal?: AbortSignal }): Promise<GeneratedScript>;
}

/** The system prompt: asks for Fountain only, with rules the parser relies on. */
export const SCRIPT_SYSTEM_PROMPT = `You are a screenwriter for short videos. Reply with a screenplay in Fountain format (https://fountain.io) and nothing else: no commentary, no Markdown.
Rules:
- Start every scene with a scene heading on its own line, like "INT. KITCHEN - DAY" or "EXT. BEACH - NIGHT", with a blank line before and after it.
- Write character names in UPPERCASE on their own line, directly followed by their dialogue; parentheticals go in (brackets) on their own line.
- Keep action short and visual: each scene will become one illustrated frame.
- Separate elements with blank lines.`;

function userPrompt(request: ScriptRequest): string {
  if ('prompt' in request) return request.prompt;
  const b = request.brief;
  const words = Math.round(b.lengthSec * DIALOGUE_WORDS_PER_SECOND);
  return [
    `Write a ${b.lengthSec}-second video script (about ${words} spoken words, ${Math.max(1, Math.round(b.lengthSec / 8))} scenes or fewer).`,
    `Product: ${b.product}`,
    `Audience: ${b.audience}`,
    `Tone: ${b.tone}`,
    `Aspect ratio: ${b.aspect} (frame the shots for it)`,
    b.notes ? `Notes: ${b.notes}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * A `ScriptGenerator` over any `LlmProvider`: validates the request, asks for Fountain, extracts it
 * from the reply (code fences stripped) and checks that it parses into at least one scene.
 */
export function createScriptGenerator({ provider }: { provider: LlmProvider }): ScriptGenerator {
  return {
    async generate(request, options) {
      if ('brief' in request) {
        const checked = briefSchema.safeParse(request.brief);
        if (!checked.success) {
          throw new ScriptGenerationError('invalid_input', 'invalid brief', {
            body: JSON.stringify(checked.issues),
          });
        }
        request = { brief: checked.data };
      } else if (typeof request.prompt !== 'string' || !request.prompt.trim()) {
        throw new ScriptGenerationError('invalid_input', 'prompt is empty');
      }
      const reply = await provider.complete(
        [
          { role: 'system', content: SCRIPT_SYSTEM_PROMPT },
          { role: 'user', content: userPrompt(request) },
        ],
        options,
      );
      const fountain = extractFountain(reply);
      if (!fountain)
        throw new ScriptGenerationError('no_fountain', 'the reply was empty', { body: reply.slice(0, 2000) });
      const document = parseFountain(fountain);
      const scenes = extractScenes(document);
      if (scenes.length === 0) {
        throw new ScriptGenerationError('no_scenes', 'the reply has no scene headings', {
          body: reply.slice(0, 2000),
        });
      }
      return { fountain: `${fountain}\n`, document, scenes };
    },
  };
}
