import type { AssetKind } from '@clapboard/shared/api';

const MiB = 1024 * 1024;

/** Upload limits. Sizes in bytes. */
export interface UploadLimits {
  /** Largest file accepted, per kind. */
  maxBytes: Record<AssetKind, number>;
  /** Largest image (width × height) we decode; bigger ones are refused with 422 (pixel floods). */
  maxImagePixels: number;
}

/** Defaults: images 50 MiB / 40 MP, video 2 GiB, audio 500 MiB, documents 100 MiB. */
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxBytes: { image: 50 * MiB, video: 2048 * MiB, audio: 500 * MiB, document: 100 * MiB },
  maxImagePixels: 40_000_000,
};

/** Fills unset limits with the defaults. */
export function resolveUploadLimits(partial?: {
  maxBytes?: Partial<Record<AssetKind, number>>;
  maxImagePixels?: number;
}): UploadLimits {
  return {
    maxBytes: { ...DEFAULT_UPLOAD_LIMITS.maxBytes, ...partial?.maxBytes },
    maxImagePixels: partial?.maxImagePixels ?? DEFAULT_UPLOAD_LIMITS.maxImagePixels,
  };
}
