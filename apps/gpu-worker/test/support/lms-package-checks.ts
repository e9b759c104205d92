import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { LmsFormat } from '@clapboard/shared/lessons';
import { SCHEMA_DIR } from '../../src/pipelines/export-lms';

/** The five SCORM 2004 namespaces in one schema, so xmllint checks every element, not just IMS CP's. */
const SCORM2004_ALL = `<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:clapboard:test:scorm2004">
  <xs:import namespace="http://www.imsglobal.org/xsd/imscp_v1p1" schemaLocation="imscp_v1p1.xsd"/>
  <xs:import namespace="http://www.adlnet.org/xsd/adlcp_v1p3" schemaLocation="adlcp_v1p3.xsd"/>
  <xs:import namespace="http://www.adlnet.org/xsd/adlseq_v1p3" schemaLocation="adlseq_v1p3.xsd"/>
  <xs:import namespace="http://www.adlnet.org/xsd/adlnav_v1p3" schemaLocation="adlnav_v1p3.xsd"/>
  <xs:import namespace="http://www.imsglobal.org/xsd/imsss" schemaLocation="imsss_v1p0.xsd"/>
</xs:schema>
`;

/**
 * Validates the unpacked package's manifest with xmllint against the published schemas: SCORM
 * against the schema files the package itself carries at its root (so they must be there and
 * complete), cmi5 against the AICC CourseStructure.xsd. Returns xmllint's output.
 *
 * @throws with xmllint's messages when the manifest does not validate
 */
export function validateManifest(format: LmsFormat, dir: string): string {
  const run = (schema: string, doc: string) => {
    try {
      return execFileSync('xmllint', ['--noout', '--nonet', '--schema', schema, doc], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string };
      throw new Error(`xmllint: ${e.stderr ?? ''}${e.stdout ?? ''}`);
    }
  };
  if (format === 'scorm12') return run(join(dir, 'adlcp_rootv1p2.xsd'), 'imsmanifest.xml');
  if (format === 'scorm2004') {
    writeFileSync(join(dir, '.validate-all.xsd'), SCORM2004_ALL);
    return run(join(dir, '.validate-all.xsd'), 'imsmanifest.xml');
  }
  return run(join(SCHEMA_DIR, 'cmi5', 'CourseStructure.xsd'), 'cmi5.xml');
}

const attrValues = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]!);

/**
 * Every file the manifest and the player page name that the package lacks (empty when
 * self-contained): SCORM resource `href` and `<file href>`, cmi5 `<url>`, the page's `src` and
 * `href` attributes, and the schema files the schemas import or include.
 */
export function missingReferences(files: Map<string, Buffer>): string[] {
  const names = new Set(files.keys());
  const text = (n: string) => files.get(n)?.toString('utf8') ?? '';
  const wanted: string[] = [];
  if (names.has('imsmanifest.xml')) wanted.push(...attrValues(text('imsmanifest.xml'), /\bhref="([^"]+)"/g));
  if (names.has('cmi5.xml')) wanted.push(...attrValues(text('cmi5.xml'), /<url>([^<]+)<\/url>/g));
  const page = text('index.html');
  if (!page) wanted.push('index.html');
  wanted.push(...attrValues(page, /\b(?:src|href|poster)="([^"]+)"/g));
  for (const n of names)
    if (/\.xsd$/.test(n))
      wanted.push(...attrValues(text(n), /<\w+:(?:import|include)\b[^>]*\bschemaLocation\s*=\s*"([^"]+)"/g));
  return [...new Set(wanted)].filter((ref) => !names.has(posix.normalize(ref)));
}

/**
 * IRIs that identify things in xAPI statements (verbs, cmi5 context categories and extensions)
 * and are never fetched; the cmi5 runtime must name them.
 */
const IDENTIFIER_IRIS = [
  /^http:\/\/adlnet\.gov\/expapi\/verbs\/[a-z]+$/,
  /^https:\/\/w3id\.org\/xapi\/cmi5\//,
];

/**
 * Every http(s) URL in the package's text files that could make a request. Not counted: XML
 * namespace names and schema locations in the manifest (they name namespaces; the schemas are
 * local files), XML comments, and the xAPI identifier IRIs of the cmi5 runtime. The published
 * schema files (.xsd, .dtd) are left as they are: their only references to other files, the
 * schemaLocation of imports and includes, are checked by `missingReferences`, and xmllint
 * validates with `--nonet`.
 */
export function outsideUrls(files: Map<string, Buffer>): string[] {
  const found: string[] = [];
  for (const [name, bytes] of files) {
    if (!/\.(html|js|css|vtt|xml|json|txt)$/.test(name)) continue;
    let text = bytes.toString('utf8');
    if (name.endsWith('.xml'))
      text = text
        .replace(/<!--[\s\S]*?-->/g, '')
        .replace(/\s(xmlns(:\w+)?|xsi:schemaLocation)\s*=\s*"[^"]*"/g, '');
    for (const m of text.matchAll(/https?:\/\/[^\s"'<>)`]+/g)) {
      const url = m[0];
      if (name.endsWith('.js') && IDENTIFIER_IRIS.some((re) => re.test(url))) continue;
      found.push(`${name}: ${url}`);
    }
  }
  return found;
}
