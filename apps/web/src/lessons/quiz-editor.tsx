import { LESSON_LIMITS, type LessonQuiz, lessonQuizSchema } from '@clapboard/shared/lessons';
import { useId } from 'react';
import type * as Y from 'yjs';
import { findLessonMap, newSectionId, setQuiz } from './lesson-doc';

type RawQuestion = { id: string; prompt: string; choices: string[]; answer: number };

/** The quiz as stored, even while incomplete (the schema would read an incomplete one as none). */
function rawQuiz(doc: Y.Doc, lessonId: string): { passPercent: number; questions: RawQuestion[] } | null {
  const raw = findLessonMap(doc, lessonId)?.get('quiz') as Partial<LessonQuiz> | null | undefined;
  if (!raw || typeof raw !== 'object' || !Array.isArray(raw.questions)) return null;
  return {
    passPercent: typeof raw.passPercent === 'number' ? raw.passPercent : 80,
    questions: raw.questions.map((q) => ({
      id: String(q.id ?? newSectionId()),
      prompt: String(q.prompt ?? ''),
      choices: Array.isArray(q.choices) ? q.choices.map(String) : [],
      answer: typeof q.answer === 'number' ? q.answer : 0,
    })),
  };
}

const emptyQuestion = (): RawQuestion => ({ id: newSectionId(), prompt: '', choices: ['', ''], answer: 0 });

/**
 * The optional end-of-lesson quiz: questions with 2–6 choices and the right one marked, and the
 * share of right answers that passes. Stored whole as one JSON value; an incomplete quiz is kept
 * while it is edited, and the editor says what is missing (renders and exports leave it out).
 */
export function QuizEditor(props: { doc: Y.Doc; lessonId: string; canEdit: boolean }) {
  const { doc, lessonId, canEdit } = props;
  const id = useId();
  const quiz = rawQuiz(doc, lessonId);
  const save = (next: { passPercent: number; questions: RawQuestion[] } | null) =>
    setQuiz(doc, lessonId, next as LessonQuiz | null);
  if (!quiz)
    return (
      <section className="quiz-editor" aria-label="Quiz">
        <h3>Quiz (optional)</h3>
        <p className="muted small">
          No quiz. With one, passing it is part of completing the lesson in the LMS.
        </p>
        {canEdit && (
          <button
            type="button"
            className="ghost small"
            onClick={() => save({ passPercent: 80, questions: [emptyQuestion()] })}
          >
            Add a quiz
          </button>
        )}
      </section>
    );
  const check = lessonQuizSchema.safeParse(quiz);
  const setQuestion = (i: number, patch: Partial<RawQuestion>) =>
    save({ ...quiz, questions: quiz.questions.map((q, j) => (j === i ? { ...q, ...patch } : q)) });
  return (
    <section className="quiz-editor" aria-label="Quiz">
      <div className="row spread">
        <h3>Quiz</h3>
        {canEdit && (
          <button type="button" className="ghost small" onClick={() => save(null)}>
            Remove the quiz
          </button>
        )}
      </div>
      <label htmlFor={`${id}-pass`} className="inline small">
        Pass with
        <input
          id={`${id}-pass`}
          type="number"
          min={1}
          max={100}
          className="narrow"
          value={quiz.passPercent}
          readOnly={!canEdit}
          onChange={(e) =>
            save({
              ...quiz,
              passPercent: Math.max(1, Math.min(100, Math.round(Number(e.target.value) || 0))),
            })
          }
        />
        % right answers
      </label>
      <ol className="quiz-questions">
        {quiz.questions.map((q, i) => (
          <li key={q.id} className="card inset">
            <label htmlFor={`${id}-q${i}`}>
              Question {i + 1}
              <input
                id={`${id}-q${i}`}
                value={q.prompt}
                maxLength={1000}
                readOnly={!canEdit}
                onChange={(e) => setQuestion(i, { prompt: e.target.value })}
              />
            </label>
            <fieldset>
              <legend className="small">Choices (mark the right one)</legend>
              {q.choices.map((choice, c) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: choices are plain strings; their place is their identity
                <div key={`${q.id}-${c}`} className="row small">
                  <input
                    type="radio"
                    name={`${id}-answer-${q.id}`}
                    aria-label={`Choice ${c + 1} is right`}
                    checked={q.answer === c}
                    disabled={!canEdit}
                    onChange={() => setQuestion(i, { answer: c })}
                  />
                  <input
                    aria-label={`Question ${i + 1} choice ${c + 1}`}
                    value={choice}
                    maxLength={LESSON_LIMITS.maxChoiceChars}
                    readOnly={!canEdit}
                    onChange={(e) =>
                      setQuestion(i, { choices: q.choices.map((x, k) => (k === c ? e.target.value : x)) })
                    }
                  />
                  {canEdit && q.choices.length > 2 && (
                    <button
                      type="button"
                      className="ghost small"
                      onClick={() =>
                        setQuestion(i, {
                          choices: q.choices.filter((_, k) => k !== c),
                          answer: q.answer > c ? q.answer - 1 : q.answer === c ? 0 : q.answer,
                        })
                      }
                    >
                      Remove<span className="sr-only"> choice {c + 1}</span>
                    </button>
                  )}
                </div>
              ))}
            </fieldset>
            {canEdit && (
              <span className="row small">
                <button
                  type="button"
                  className="ghost small"
                  disabled={q.choices.length >= 6}
                  onClick={() => setQuestion(i, { choices: [...q.choices, ''] })}
                >
                  Add a choice
                </button>
                <button
                  type="button"
                  className="ghost small"
                  onClick={() => save({ ...quiz, questions: quiz.questions.filter((_, j) => j !== i) })}
                >
                  Remove question {i + 1}
                </button>
              </span>
            )}
          </li>
        ))}
      </ol>
      {canEdit && (
        <button
          type="button"
          className="ghost small"
          disabled={quiz.questions.length >= LESSON_LIMITS.maxQuizQuestions}
          onClick={() => save({ ...quiz, questions: [...quiz.questions, emptyQuestion()] })}
        >
          Add a question
        </button>
      )}
      {!check.success && (
        <p className="error small" role="status">
          The quiz is incomplete ({check.error.issues[0]?.path.join('.') || 'quiz'}:{' '}
          {check.error.issues[0]?.message}); renders and exports leave it out until it is complete.
        </p>
      )}
    </section>
  );
}
