import type { VoiceOption, WorkerModelsReport } from '@clapboard/shared/models';

/** A voice no live worker can speak with now, with the first worker's reason. */
export interface UnavailableVoice {
  id: string;
  label: string;
  reason: string;
}

/**
 * The voices to offer from the workers' reports: each id once (first label wins), offered when
 * some live worker's smoke run found its engine working (`available`); the rest are listed
 * apart with why (e.g. `festival not installed …`), so pickers never offer a voice that cannot speak.
 */
export function offeredVoices(workers: readonly Pick<WorkerModelsReport, 'voices'>[]): {
  offered: VoiceOption[];
  unavailable: UnavailableVoice[];
} {
  const byId = new Map<string, VoiceOption>();
  const usable = new Set<string>();
  for (const w of workers)
    for (const v of w.voices ?? []) {
      if (!byId.has(v.id)) byId.set(v.id, v);
      // Reports of workers older than the smoke runs carry no `available`: taken as available.
      if (v.available !== false) usable.add(v.id);
    }
  const all = [...byId.values()];
  return {
    offered: all.filter((v) => usable.has(v.id)),
    unavailable: all
      .filter((v) => !usable.has(v.id))
      .map((v) => ({ id: v.id, label: v.label, reason: v.reason ?? 'its engine failed its test run' })),
  };
}
