import { modelsResponseSchema, type VoiceOption } from '@clapboard/shared/models';
import { useQuery } from '@tanstack/react-query';
import { api } from './api-client';
import { offeredVoices, type UnavailableVoice } from './offered-voices';

export interface Voices {
  /** Every voice some live worker can speak with now, once each (by id), in the workers' order. */
  voices: VoiceOption[];
  /** Voices the workers know but cannot speak with (engine not installed…), with the reason. */
  unavailable: UnavailableVoice[];
  /** `loading` until the first answer; `none` when no live worker offers a voice. */
  status: 'loading' | 'ready' | 'none' | 'error';
  error: Error | null;
}

/**
 * The voices renders can use now, from `GET /api/v1/models` (workers publish them with a one-minute
 * TTL, each voice marked available only when its engine passed the worker's smoke run), refreshed
 * every 30 s so a worker started or stopped meanwhile shows up without a reload.
 */
export function useVoices(): Voices {
  const models = useQuery({
    queryKey: ['models'],
    queryFn: () => api('/models', modelsResponseSchema),
    staleTime: 15_000,
    refetchInterval: 30_000,
    select: (d) => offeredVoices(d.workers),
  });
  const voices = models.data?.offered ?? [];
  const status = models.isPending
    ? 'loading'
    : models.error && !models.data
      ? 'error'
      : voices.length === 0
        ? 'none'
        : 'ready';
  return { voices, unavailable: models.data?.unavailable ?? [], status, error: models.error };
}
