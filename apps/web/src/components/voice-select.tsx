import type { VoiceOption } from '@clapboard/shared/models';
import type { Voices } from '../lib/use-voices';

/**
 * The line under a voice picker that says why it cannot be used yet, or which voices it leaves
 * out and why (their engine is not installed on any live worker); null when nothing to say.
 */
export function voiceHint(voices: Voices): string | null {
  if (voices.status === 'loading') return 'Loading voices…';
  if (voices.status === 'error') return `Could not list voices: ${voices.error?.message ?? 'unknown error'}`;
  const missing = voices.unavailable.length
    ? `Not offered: ${voices.unavailable.map((v) => `${v.label} (${v.reason})`).join('; ')}.`
    : '';
  if (voices.status === 'none')
    return missing ? `No live worker can speak a voice. ${missing}` : 'Start a worker to choose voices.';
  return missing || null;
}

const GROUPS: Array<{ source: VoiceOption['source']; label: string }> = [
  { source: 'provider', label: 'Speech provider' },
  { source: 'bundled', label: 'Bundled voices' },
];

/**
 * A voice picker over the voices live workers can speak with, with an empty "automatic" choice. A
 * stored voice no live worker offers stays selected and shows as "(unavailable) <label>" instead
 * of being dropped (a render that asks for it speaks with eSpeak NG and says so).
 * Disabled while no worker reports a voice (pair it with voiceHint through `describedBy`).
 */
export function VoiceSelect(props: {
  id: string;
  value: string;
  voices: Voices;
  /** Label of the empty choice, e.g. "Automatic (character's voice)". */
  automaticLabel: string;
  onChange: (voice: string) => void;
  disabled?: boolean;
  describedBy?: string;
  'aria-label'?: string;
}) {
  const { voices, value } = props;
  const unknown = value !== '' && !voices.voices.some((v) => v.id === value);
  const known = voices.unavailable.find((v) => v.id === value);
  return (
    <select
      id={props.id}
      value={value}
      aria-label={props['aria-label']}
      aria-describedby={props.describedBy}
      disabled={props.disabled || voices.status !== 'ready'}
      onChange={(e) => props.onChange(e.target.value)}
    >
      <option value="">{props.automaticLabel}</option>
      {unknown && <option value={value}>(unavailable) {known?.label ?? value}</option>}
      {GROUPS.map((g) => {
        const options = voices.voices.filter((v) => v.source === g.source);
        if (options.length === 0) return null;
        return (
          <optgroup key={g.source} label={g.label}>
            {options.map((v) => (
              <option key={v.id} value={v.id}>
                {v.label}
              </option>
            ))}
          </optgroup>
        );
      })}
    </select>
  );
}
