import type { Signal } from '@clapboard/shared/highlights';

/** What each signal is called in the studio, and what it means (docs/highlights.md says more). */
export const SIGNAL_INFO: Record<Signal, { label: string; hint: string; color: string }> = {
  keyphrase: {
    label: 'Key terms',
    hint: 'Slide terms that are also spoken (TF-IDF over the lecture)',
    color: '#f5c518',
  },
  emphasis: {
    label: 'Emphasis',
    hint: 'Louder, higher or faster than the speaker usually is',
    color: '#ff8a5c',
  },
  cue: { label: 'Cue phrases', hint: '"The key idea", "in summary", questions', color: '#4cd47e' },
  structure: {
    label: 'Structure',
    hint: 'Starts at a slide change or topic boundary, one topic whole',
    color: '#5cb8ff',
  },
  pause: { label: 'Clean pauses', hint: 'Pauses around it: a self-contained thought', color: '#b58cff' },
  llm: { label: 'LLM judgement', hint: "The configured LLM's view, with its reason", color: '#ff6bb5' },
};
