import { createHash } from 'node:crypto';
import { loadRenderDeliverableSource } from '@clapboard/server/deliverables';
import { buildRenderDeliverable, RENDER_DELIVERABLE_KINDS } from '@clapboard/shared/deliverables';
import { type HandoverManifest, SCRIPT_DELIVERABLE_KINDS } from '@clapboard/shared/script-deliverables';
import yazl from 'yazl';
import type { DeliverableContext } from './script-deliverables';
import { deliverableFileName, SCRIPT_DELIVERABLES } from './script-deliverables';

/** One file a handover part puts in the bundle. */
export interface HandoverFile {
  path: string;
  kind: string;
  bytes: Uint8Array;
}

/**
 * A contributor to `handover.zip`: returns its files for the pinned version (none when it has
 * nothing for it, e.g. no finished render). Render-based deliverables plug in as one more entry.
 */
export type HandoverPart = (ctx: DeliverableContext) => Promise<HandoverFile[]>;

/** Every script deliverable of the pinned version, one file each. */
const scriptFiles: HandoverPart = async (ctx) =>
  Promise.all(
    SCRIPT_DELIVERABLE_KINDS.map(async (kind) => ({
      path: deliverableFileName(ctx.pinned, kind),
      kind,
      bytes: await SCRIPT_DELIVERABLES[kind].build(ctx),
    })),
  );

/**
 * The chosen render's subtitles (as it wrote them) and edit decision lists (EDL, OTIO, FCPXML at
 * the render's own rate), under `render/`; nothing when the bundle has no render.
 */
const renderFiles: HandoverPart = async (ctx) => {
  if (!ctx.render) return [];
  const source = await loadRenderDeliverableSource(ctx.sql, ctx.blobStore, ctx.render);
  return RENDER_DELIVERABLE_KINDS.flatMap((kind) => {
    if ((kind === 'srt' || kind === 'vtt') && source.subtitles[kind] === null) return [];
    const file = buildRenderDeliverable(source, kind);
    return [{ path: `render/${file.fileName}`, kind, bytes: new TextEncoder().encode(file.body) }];
  });
};

/** What goes in the handover bundle, in order. */
export const HANDOVER_PARTS: readonly HandoverPart[] = [scriptFiles, renderFiles];

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The handover bundle: every file of every part, plus `manifest.json` listing each file's path,
 * kind, byte size and SHA-256, and the pinned version. Already-compressed files (PDF) are stored,
 * text is deflated.
 *
 * @returns the zip's bytes and its manifest
 */
export async function buildHandoverZip(
  ctx: DeliverableContext,
  parts: readonly HandoverPart[] = HANDOVER_PARTS,
): Promise<{ zip: Buffer; manifest: HandoverManifest }> {
  const files = (await Promise.all(parts.map((part) => part(ctx)))).flat();
  const manifest: HandoverManifest = {
    project: ctx.pinned.project,
    version: ctx.pinned.version,
    createdAt: new Date().toISOString(),
    render: ctx.render ? { jobId: ctx.render.id } : null,
    files: files.map((f) => ({
      path: f.path,
      kind: f.kind,
      bytes: f.bytes.byteLength,
      sha256: sha256(f.bytes),
    })),
  };
  const zip = new yazl.ZipFile();
  const mtime = new Date(ctx.pinned.version.pinnedAt);
  for (const f of files)
    zip.addBuffer(Buffer.from(f.bytes), f.path, { mtime, compress: !f.path.endsWith('.pdf') });
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 'manifest.json', { mtime });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return { zip: Buffer.concat(chunks), manifest };
}
