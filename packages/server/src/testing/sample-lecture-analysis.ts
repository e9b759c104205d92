import {
  type Candidates,
  candidatesSchema,
  type LayoutResult,
  layoutResultSchema,
  type SpeechRegions,
  speechRegionsSchema,
  type TopicsResult,
  type Transcript,
  topicsResultSchema,
  transcriptSchema,
} from '@clapboard/shared/highlights';

/** Sentences of the sample lecture: [start, end, text]; one word per 0.4 s inside each. */
const SENTENCES: Array<[number, number, string]> = [
  [0.5, 3.7, 'Welcome to this short lecture on heat.'],
  [4.5, 7.7, 'The key idea is that energy flows downhill.'],
  [8.5, 11.7, 'Why does a hot cup cool down so fast?'],
  [12.5, 15.7, 'In summary heat always moves to colder things.'],
];

/**
 * FOR TESTS ONLY: a small, schema-valid analysis of a lecture of `durationSec` (≥ 16 s): four
 * sentences with word timings, speech and silences, two layout spans, two topics, and three
 * candidates whose signals are chosen so the ranking flips with the weights — `c-keyidea` leads on
 * keyphrase (default weights), `c-summary` on cue phrases, `c-question` sits between.
 */
export function sampleLectureAnalysis(durationSec = 20): {
  speech: SpeechRegions;
  transcript: Transcript;
  layout: LayoutResult;
  topics: TopicsResult;
  candidates: Candidates;
  srt: string;
  vtt: string;
} {
  const words: Transcript['words'] = [];
  const sentences: Transcript['sentences'] = [];
  for (const [start, end, text] of SENTENCES) {
    const tokens = text.split(' ');
    const step = (end - start) / tokens.length;
    const firstWord = words.length;
    tokens.forEach((word, i) => {
      words.push({
        word,
        startSec: start + i * step,
        endSec: start + (i + 1) * step - 0.05,
        confidence: 0.9,
      });
    });
    sentences.push({ startSec: start, endSec: end, text, firstWord, lastWord: words.length - 1 });
  }
  const speech = SENTENCES.map(([s, e]) => ({ startSec: s, endSec: e }));
  const silences = [{ startSec: 0, endSec: 0.5 }];
  for (let i = 1; i < speech.length; i++)
    silences.push({ startSec: speech[i - 1]!.endSec, endSec: speech[i]!.startSec });
  silences.push({ startSec: 15.7, endSec: durationSec });
  const candidate = (
    id: string,
    i: number,
    signals: Candidates['candidates'][number]['signals'],
    reasons: string[],
  ) => ({
    id,
    startSec: SENTENCES[i]![0],
    endSec: SENTENCES[i]![1],
    text: SENTENCES[i]![2],
    topicIndex: i < 2 ? 0 : 1,
    signals,
    reasons,
    llmReason: null,
  });
  const clock = (s: number, sep: string) => {
    const ms = Math.round(s * 1000);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    return `00:${pad(Math.floor(ms / 60000))}:${pad(Math.floor((ms % 60000) / 1000))}${sep}${pad(ms % 1000, 3)}`;
  };
  const cues = (sep: string) =>
    SENTENCES.map(([s, e, t], i) => `${i + 1}\n${clock(s, sep)} --> ${clock(e, sep)}\n${t}\n`).join('\n');
  return {
    speech: speechRegionsSchema.parse({ speech, silences, durationSec }),
    transcript: transcriptSchema.parse({ engine: 'test stand-in', language: 'en', words, sentences }),
    layout: layoutResultSchema.parse({
      spans: [
        {
          startSec: 0,
          endSec: 8,
          kind: 'slide',
          slide: { x: 0, y: 0, width: 320, height: 240 },
          face: null,
          textDensity: 0.3,
          slideText: 'Heat flows downhill',
        },
        {
          startSec: 8,
          endSec: durationSec,
          kind: 'speaker',
          slide: null,
          face: { x: 100, y: 60, width: 80, height: 80 },
          textDensity: 0,
          slideText: '',
        },
      ],
    }),
    topics: topicsResultSchema.parse({
      topics: [
        { index: 0, startSec: 0, endSec: 8, keyphrases: ['energy', 'heat'] },
        { index: 1, startSec: 8, endSec: durationSec, keyphrases: ['cooling', 'summary'] },
      ],
    }),
    candidates: candidatesSchema.parse({
      minClipSec: 3,
      maxClipSec: 10,
      candidates: [
        candidate('c-keyidea', 1, { keyphrase: 1, emphasis: 0.5, cue: 0.2, structure: 0.6, pause: 0.6 }, [
          'Speaks the slide terms "energy" and "heat".',
        ]),
        candidate('c-question', 2, { keyphrase: 0.5, emphasis: 0.6, cue: 0.5, structure: 0.4, pause: 0.6 }, [
          'Asks a question.',
        ]),
        candidate('c-summary', 3, { keyphrase: 0.1, emphasis: 0.4, cue: 1, structure: 0.6, pause: 0.6 }, [
          'Says "in summary".',
        ]),
      ],
    }),
    srt: cues(','),
    vtt: `WEBVTT\n\n${cues('.')}`,
  };
}
