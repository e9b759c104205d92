import {
  type CreateVariantRenderBody,
  createVariantRenderBodySchema,
  MAX_VARIANTS_PER_RENDER,
  type PresetId,
  type VariantSpec,
} from '@clapboard/shared/campaigns';
import type { AspectRatio } from '@clapboard/shared/document';

/** A custom row of the matrix as typed. */
export interface CustomRow {
  name: string;
  aspectRatio: AspectRatio;
  durationSec: string;
}

/** The variant matrix form: presets ticked, custom rows, and the render settings. */
export interface MatrixForm {
  presets: PresetId[];
  custom: CustomRow[];
  resolution: CreateVariantRenderBody['resolution'];
  burnSubtitles: boolean;
  final: boolean;
}

export const EMPTY_MATRIX: MatrixForm = {
  presets: [],
  custom: [],
  resolution: '720p',
  burnSubtitles: true,
  final: false,
};

/** The specs the form asks for, presets first in the order shown, then the custom rows. */
export function specsOf(form: MatrixForm, presetOrder: readonly PresetId[]): VariantSpec[] {
  return [
    ...presetOrder.filter((p) => form.presets.includes(p)).map((preset) => ({ preset })),
    ...form.custom.map((c) => ({
      preset: 'custom' as const,
      name: c.name,
      aspectRatio: c.aspectRatio,
      durationSec: /^\d+$/.test(c.durationSec.trim()) ? Number(c.durationSec) : Number.NaN,
    })),
  ];
}

/**
 * The `POST /projects/{id}/variants` body of the form, parsed with the shared schema, or what is
 * wrong in words: nothing chosen, too many, a custom row's name, length or a repeated size.
 */
export function matrixBody(
  form: MatrixForm,
  presetOrder: readonly PresetId[],
): { ok: true; body: CreateVariantRenderBody } | { ok: false; problem: string } {
  const variants = specsOf(form, presetOrder);
  if (variants.length === 0)
    return { ok: false, problem: 'Choose at least one preset, or add a custom size.' };
  if (variants.length > MAX_VARIANTS_PER_RENDER)
    return {
      ok: false,
      problem: `One render makes at most ${MAX_VARIANTS_PER_RENDER} variants; you chose ${variants.length}.`,
    };
  const parsed = createVariantRenderBodySchema.safeParse({
    variants,
    resolution: form.resolution,
    burnSubtitles: form.burnSubtitles,
    final: form.final,
  });
  if (parsed.success) return { ok: true, body: parsed.data };
  const issue = parsed.error.issues[0]!;
  const [, index, field] = issue.path;
  const row = typeof index === 'number' ? index - form.presets.length : -1;
  if (issue.code === 'custom') return { ok: false, problem: `${issue.message}: each size once per render.` };
  if (row >= 0) {
    const what =
      field === 'name'
        ? 'give it a name (at most 60 characters)'
        : field === 'durationSec'
          ? 'give a length in whole seconds from 5 to 180'
          : 'check its aspect ratio';
    return { ok: false, problem: `Custom size ${row + 1}: ${what}.` };
  }
  return { ok: false, problem: issue.message };
}
