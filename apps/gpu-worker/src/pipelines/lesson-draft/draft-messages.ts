import { LESSON_LIMITS, type LessonDraftPayload } from '@clapboard/shared/lessons';
import type { ChatMessage } from '../../providers/task-interfaces';

/** A presenter's speaking pace (words per minute) the narration length is planned with. */
export const NARRATION_WORDS_PER_MINUTE = 150;

/**
 * The conversation that asks for a lesson draft: what the lesson is about, for whom, how long and
 * in what tone, and the shape and limits of the JSON answer (the schema travels separately as the
 * provider's structured-output format; the limits are repeated here because providers drop
 * string lengths from it).
 */
export function draftMessages(params: LessonDraftPayload): ChatMessage[] {
  const words = Math.round(params.minutes * NARRATION_WORDS_PER_MINUTE);
  // About one section per 45 seconds of speech, at least two.
  const sections = Math.min(LESSON_LIMITS.maxSections, Math.max(2, Math.round((params.minutes * 60) / 45)));
  const system = [
    'You write short, clear lessons that a presenter reads aloud on camera, with one slide per section.',
    'Answer with one JSON object only, no prose and no code fences, following the given JSON schema:',
    '{ "title": string, "sections": [{ "title": string, "narration": string, "slide": { "title": string, "bullets": [string] } | null }], "quiz": { "questions": [{ "prompt": string, "choices": [string], "answer": integer }] } | null }.',
    `Limits: title at most ${LESSON_LIMITS.maxTitleChars} characters; at most ${LESSON_LIMITS.maxSections} sections;`,
    `a section title at most ${LESSON_LIMITS.maxSectionTitleChars} characters; narration of one section at most ${LESSON_LIMITS.maxNarrationChars} characters;`,
    `at most ${LESSON_LIMITS.maxBullets} bullets per slide, each at most ${LESSON_LIMITS.maxBulletChars} characters;`,
    `quiz questions have 2 to 6 choices of at most ${LESSON_LIMITS.maxChoiceChars} characters, and "answer" is the 0-based index of the right choice.`,
    'Narration is plain spoken text: no markdown, no stage directions, no URLs.',
  ].join('\n');
  const user = [
    `Topic: ${params.topic}`,
    `Audience: ${params.audience}`,
    `Length: about ${params.minutes} minute(s) of narration in total (about ${words} words), in about ${sections} sections.`,
    `Tone: ${params.tone}.`,
    params.withQuiz
      ? 'End with a quiz of 3 to 5 multiple-choice questions on what the lesson taught.'
      : 'No quiz: set "quiz" to null.',
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
