/**
 * An asset as the API returns it (apps/api routes/assets.ts). Mirrors `assetSchema` of the API core
 * branch; replace with `import type { Asset } from '@clapboard/shared/api'` once that is on main.
 */
export interface Asset {
  id: string;
  projectId: string;
  kind: 'image' | 'video' | 'audio' | 'document';
  mime: string;
  byteSize: number;
  sha256: string;
  originalName: string | null;
  width: number | null;
  height: number | null;
  durationSec: number | null;
  probe: Record<string, unknown>;
  hasThumbnail: boolean;
  createdBy: string | null;
  createdAt: string;
  urls: { content: string; thumbnail: string | null; expiresAt: string };
}
