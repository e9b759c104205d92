import {
  exportFdx,
  paginateScreenplay,
  parseFountain,
  serializeFountain,
  stampVersion,
} from '@clapboard/screenplay';
import type { Sql } from '@clapboard/server/db';
import type { CompletedRender } from '@clapboard/server/deliverables';
import type { BlobStore } from '@clapboard/server/storage';
import { fileSlug, type ScriptDeliverableKind } from '@clapboard/shared/script-deliverables';
import { loadFrameImages } from '../assets/load-frame-images';
import type { PinnedVersion } from './load-pinned-version';
import { screenplayPdf } from './screenplay-pdf';
import { shotListCsv } from './shot-list-csv';
import { storyboardPdf } from './storyboard-pdf';

/** Everything a deliverable may be built from: one pinned version, and where its frames live. */
export interface DeliverableContext {
  sql: Sql;
  blobStore: BlobStore;
  pinned: PinnedVersion;
  /** Storyboard frames per page (1–6). */
  perPage: number;
  /** For `handover.zip`: the completed render whose subtitles and lists it carries, if any. */
  render?: CompletedRender;
}

export interface DeliverableBuilder {
  contentType: string;
  build(ctx: DeliverableContext): Promise<Uint8Array>;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const stamped = (p: PinnedVersion) => stampVersion(parseFountain(p.script), p.version.id);
const pdfOptions = (p: PinnedVersion) => ({
  title: p.project.name,
  versionId: p.version.id,
  versionName: p.version.name,
});

/**
 * Kind → how to build it. The mapped type makes a kind without a builder a compile error. Scripts
 * carry the version id as a `Version` title-page entry (Fountain, FDX), PDFs in their footer and
 * metadata, the shot list in a comment line and a column.
 */
export const SCRIPT_DELIVERABLES: { readonly [K in ScriptDeliverableKind]: DeliverableBuilder } = {
  fountain: {
    contentType: 'text/plain; charset=utf-8',
    build: async ({ pinned }) => utf8(serializeFountain(stamped(pinned))),
  },
  fdx: {
    contentType: 'application/xml; charset=utf-8',
    build: async ({ pinned }) => utf8(exportFdx(stamped(pinned))),
  },
  'screenplay.pdf': {
    contentType: 'application/pdf',
    build: async ({ pinned }) => screenplayPdf(paginateScreenplay(stamped(pinned)), pdfOptions(pinned)),
  },
  'storyboard.pdf': {
    contentType: 'application/pdf',
    build: async ({ sql, blobStore, pinned, perPage }) => {
      const ids = new Map(
        pinned.scenes.flatMap((s) => (s.frameAssetId ? [[s.id, s.frameAssetId] as const] : [])),
      );
      const frames = await loadFrameImages(sql, blobStore, pinned.project.id, ids);
      return storyboardPdf(pinned.scenes, frames, { ...pdfOptions(pinned), perPage });
    },
  },
  'shotlist.csv': {
    contentType: 'text/csv; charset=utf-8',
    build: async ({ pinned }) => utf8(shotListCsv(pinned.scenes, pinned.version)),
  },
};

/**
 * `harbour-<version>.fountain`, `harbour-<version>-screenplay.pdf`: the project's slug, the
 * version id, then the kind (a kind with a dot is a suffix, otherwise the extension).
 */
export function deliverableFileName(pinned: PinnedVersion, kind: string): string {
  const base = `${fileSlug(pinned.project.name)}-${pinned.version.id}`;
  return kind.includes('.') ? `${base}-${kind}` : `${base}.${kind}`;
}
