import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LmsFormat } from '@clapboard/shared/lessons';

/** The published schemas (see schemas/NOTICE.md), one folder per format. */
export const SCHEMA_DIR = fileURLToPath(new URL('./schemas/', import.meta.url));

/**
 * The schema files a package of `format` carries at its root: SCORM asks for its schema set beside
 * `imsmanifest.xml`; cmi5 asks for none. Paths are absolute, sorted by name.
 */
export function packageSchemaFiles(format: LmsFormat): string[] {
  if (format === 'cmi5') return [];
  const dir = `${SCHEMA_DIR}${format}/`;
  return readdirSync(dir)
    .filter((f) => /\.(xsd|dtd)$/.test(f))
    .sort()
    .map((f) => `${dir}${f}`);
}
