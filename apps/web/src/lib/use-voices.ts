import type { VoiceOption, WorkerModelsReport } from '@clapboard/shared/models';
import { useQuery } from '@tanstack/react-query';
import { api } from './api-client';

export interface Voices {
  /** Every voice some live worker can speak with, once each (by id), in the workers' order. */
  voices: VoiceOption[];
  /** `loading` until the first answer; `none` when no live worker reports a voice. */
  status: 'loading' | 'ready' | 'none' | 'error';
  error: Error | null;
}

/** The union of the voices in workers' reports, first label wins for an id two workers share. */
function unionOfVoices(workers: readonly Pick<WorkerModelsReport, 'voices'>[]): VoiceOption[] {
  const byId = new Map<string, VoiceOption>();
  for (const w of workers) for (const v of w.voices ?? []) if (!byId.has(v.id)) byId.set(v.id, v);
  return [...byId.values()];
}

/**
 * The voices renders can use now, from `GET /api/v1/models` (workers publish them with a one-minute
 * TTL), refreshed every 30 s so a worker started or stopped meanwhile shows up without a reload.
 */
export function useVoices(): Voices {
  const models = useQuery({
    queryKey: ['models'],
    queryFn: () => api<{ workers: WorkerModelsReport[] }>('/models'),
    staleTime: 15_000,
    refetchInterval: 30_000,
    select: (d) => unionOfVoices(d.workers),
  });
  const voices = models.data ?? [];
  const status = models.isPending
    ? 'loading'
    : models.error && !models.data
      ? 'error'
      : voices.length === 0
        ? 'none'
        : 'ready';
  return { voices, status, error: models.error };
}
