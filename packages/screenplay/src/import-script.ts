import {
  MAX_SCRIPT_IMPORT_SCENES,
  SCRIPT_IMPORT_EXTENSIONS,
  type ScriptImportFormat,
  type ScriptImportScene,
} from '@clapboard/shared/script-import';

import { decodeScriptFile } from './decode-script-file';
import { extractScenes } from './extract-scenes';
import { importFdx } from './import-fdx';
import { listCharacters } from './list-characters';
import { parseFountain } from './parse-fountain';
import { plainText } from './parse-inline';
import { XmlError } from './parse-xml';
import { ScriptImportError } from './script-import-error';
import { serializeFountain } from './serialize-fountain';
import { isLayoutText, markdownToFountain, plainTextToFountain } from './text-to-fountain';

/** A script file read as Fountain, with what it holds. */
export interface ImportedScript {
  format: ScriptImportFormat;
  /** The script as Fountain text, what the project's `script` will hold. */
  fountain: string;
  /** The title page's title (plain text), or null. */
  title: string | null;
  scenes: ScriptImportScene[];
  /** Speakers, most lines first. */
  characters: string[];
}

function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot >= 0 ? filename.slice(dot).toLowerCase() : '';
}

/**
 * Picks the format from the extension and the content: anything that opens as XML is read as Final
 * Draft whatever its name; `.fdx` must be XML; `.md`/`.markdown` are Markdown; `.fountain`/`.spmd`
 * are Fountain; `.txt` (or no extension) is a printed layout when ≥ 20 % of its lines are indented
 * by 10+ spaces, Fountain otherwise.
 */
export function detectScriptFormat(filename: string, text: string): ScriptImportFormat {
  const ext = extensionOf(filename);
  if (ext && !(SCRIPT_IMPORT_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new ScriptImportError(
      'unsupported_type',
      `"${ext}" files cannot be imported. Use Fountain (.fountain, .spmd), Final Draft (.fdx), plain text (.txt) or Markdown (.md).`,
    );
  }
  if (ext === '.fdx' || /^\s*<(?:\?xml|FinalDraft)\b/.test(text)) return 'fdx';
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  if (ext === '.fountain' || ext === '.spmd') return 'fountain';
  return isLayoutText(text) ? 'text' : 'fountain';
}

function toFountain(format: ScriptImportFormat, text: string): string {
  switch (format) {
    case 'fountain':
      return text.replace(/\r\n?/g, '\n');
    case 'markdown':
      return markdownToFountain(text);
    case 'text':
      return plainTextToFountain(text);
    case 'fdx':
      try {
        return serializeFountain(importFdx(text));
      } catch (err) {
        if (err instanceof XmlError)
          throw new ScriptImportError(
            'malformed_xml',
            `The Final Draft file is not well-formed XML: ${err.message}.`,
            {
              offset: err.offset,
            },
          );
        throw new ScriptImportError(
          'not_final_draft',
          `The XML file is not a Final Draft script (${(err as Error).message}).`,
        );
      }
  }
}

/** What a Fountain script holds, as an import preview shows it. */
export function summarizeScript(fountain: string): Omit<ImportedScript, 'format' | 'fountain'> {
  const doc = parseFountain(fountain);
  const scenes = extractScenes(doc);
  const title = doc.titlePage.find((e) => e.key.toLowerCase() === 'title');
  return {
    title: title ? plainText(title.values.join(' ')).trim() || null : null,
    scenes: scenes.map((s) => ({
      heading: s.heading,
      sceneNumber: s.sceneNumber,
      lines: s.dialogue.length,
      characters: s.characters,
    })),
    characters: listCharacters(scenes).map((c) => c.name),
  };
}

/**
 * Reads a script file (Fountain, Final Draft, Markdown or printed plain text) into Fountain text and
 * a summary of the scenes an import will create. Pure: the caller bounds the size.
 *
 * @param bytes the file as uploaded
 * @param filename its name as uploaded (only the extension is used)
 * @throws ScriptImportError `binary`, `empty`, `unsupported_type`, `malformed_xml`,
 *   `not_final_draft` or `too_many_scenes` (over `MAX_SCRIPT_IMPORT_SCENES`), each with a message
 *   a user can act on
 */
export function importScript(bytes: Uint8Array, filename: string): ImportedScript {
  const text = decodeScriptFile(bytes);
  const format = detectScriptFormat(filename, text);
  const fountain = toFountain(format, text);
  if (!/\S/.test(fountain)) throw new ScriptImportError('empty', 'The file holds no script text.');
  const summary = summarizeScript(fountain);
  if (summary.scenes.length > MAX_SCRIPT_IMPORT_SCENES)
    throw new ScriptImportError(
      'too_many_scenes',
      `The script has ${summary.scenes.length} scenes; an import may have at most ${MAX_SCRIPT_IMPORT_SCENES}. Split it into several projects.`,
    );
  return { format, fountain, ...summary };
}
