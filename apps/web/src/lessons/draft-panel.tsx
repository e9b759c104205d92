import type { Job } from '@clapboard/shared/jobs';
import {
  LESSON_TONES,
  type LessonDraft,
  lessonDraftPayloadSchema,
  lessonDraftSchema,
} from '@clapboard/shared/lessons';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type * as Y from 'yjs';
import { LiveJob } from '../components/live-job';
import { useProject } from '../lib/project-context';
import { isCapabilityMissing } from '../lib/submit-job';
import { useToasts } from '../lib/toasts';
import { useJobTypes } from '../lib/use-job-types';
import { applyDraft } from './lesson-doc';
import { submitLessonJob } from './lesson-job';
import { actionAvailability } from './lesson-readiness';
import { WhyNot } from './why-not';

/** The draft a finished `lesson.draft` job made, validated again here with the shared schema. */
function draftOf(job: Job): LessonDraft | null {
  const parsed = lessonDraftSchema.safeParse(job.outputs.find((o) => o.name === 'draft')?.value);
  return parsed.success ? parsed.data : null;
}

/** What the model wrote, to read before applying it. */
function DraftReview(props: {
  draft: LessonDraft;
  replaces: number;
  onApply: () => void;
  onDiscard: () => void;
}) {
  const { draft } = props;
  return (
    <section className="draft-review" aria-label="Draft for review">
      <h4>{draft.title}</h4>
      <ol className="small">
        {draft.sections.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a draft is read-only; its order is its identity
          <li key={i}>
            <strong>{s.title || `Section ${i + 1}`}</strong>
            <p className="draft-narration">{s.narration}</p>
            {s.slide && s.slide.bullets.length > 0 && (
              <ul className="muted">
                {s.slide.bullets.map((b) => (
                  <li key={b}>{b}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      {draft.quiz && <p className="small">Quiz: {draft.quiz.questions.length} question(s).</p>}
      <div className="row">
        <button type="button" onClick={props.onApply}>
          Apply draft
          {props.replaces > 0
            ? ` (replaces ${props.replaces} section${props.replaces === 1 ? '' : 's'})`
            : ''}
        </button>
        <button type="button" className="ghost" onClick={props.onDiscard}>
          Discard
        </button>
      </div>
    </section>
  );
}

/**
 * "Draft with AI": topic, audience, length, tone and an optional quiz become a `lesson.draft` job
 * run by the configured LLM provider; its progress shows, then the draft for review, applied to
 * the lesson only on click. Disabled, with the server's reason, where no worker has a provider.
 */
export function DraftPanel(props: {
  doc: Y.Doc;
  lessonId: string;
  lessonTitle: string;
  sections: number;
  /**
   * The draft job this person is following, held by the wizard so it survives the team moving to
   * another step and back; null once applied or discarded.
   */
  job: Job | null;
  onJob: (job: Job | null) => void;
}) {
  const { projectId } = useProject();
  const toasts = useToasts();
  const id = useId();
  const types = useJobTypes();
  const availability = actionAvailability(types.data, 'lesson.draft');
  const [topic, setTopic] = useState(props.lessonTitle);
  const [audience, setAudience] = useState('adult learners');
  const [minutes, setMinutes] = useState(3);
  const [tone, setTone] = useState<(typeof LESSON_TONES)[number]>('friendly');
  const [withQuiz, setWithQuiz] = useState(false);
  const { job, onJob: setJob } = props;
  const params = lessonDraftPayloadSchema.safeParse({
    lessonId: props.lessonId,
    topic,
    audience,
    minutes,
    tone,
    withQuiz,
  });
  const start = useMutation({
    mutationFn: () => submitLessonJob(projectId, 'lesson.draft', params.success ? params.data : {}),
    onSuccess: (res) => setJob(res.job),
    onError: (err) => {
      if (isCapabilityMissing(err)) void types.refetch();
    },
  });
  const unavailable = availability.state === 'unavailable' ? availability.reason : null;
  const running = job && (job.status === 'queued' || job.status === 'running');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (params.success && !unavailable) start.mutate();
  };
  return (
    <section className="card inset draft-panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Draft with AI</h3>
      <form className="form-grid" onSubmit={submit}>
        <label htmlFor={`${id}-topic`} className="wide">
          Topic
          <input
            id={`${id}-topic`}
            value={topic}
            maxLength={500}
            onChange={(e) => setTopic(e.target.value)}
          />
        </label>
        <label htmlFor={`${id}-audience`}>
          Audience
          <input
            id={`${id}-audience`}
            value={audience}
            maxLength={200}
            onChange={(e) => setAudience(e.target.value)}
          />
        </label>
        <label htmlFor={`${id}-minutes`}>
          Minutes
          <input
            id={`${id}-minutes`}
            type="number"
            min={0.5}
            max={30}
            step={0.5}
            value={minutes}
            onChange={(e) => setMinutes(Number(e.target.value))}
          />
        </label>
        <label htmlFor={`${id}-tone`}>
          Tone
          <select id={`${id}-tone`} value={tone} onChange={(e) => setTone(e.target.value as typeof tone)}>
            {LESSON_TONES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={withQuiz} onChange={(e) => setWithQuiz(e.target.checked)} /> With a
          quiz
        </label>
        <button
          type="submit"
          disabled={!!unavailable || !params.success || start.isPending || !!running}
          aria-describedby={unavailable ? `${id}-why` : undefined}
        >
          Draft with AI
        </button>
      </form>
      {!params.success && topic.trim().length < 3 && (
        <p className="muted small">Give a topic of at least 3 characters.</p>
      )}
      <WhyNot
        id={`${id}-why`}
        unavailable={unavailable}
        blocker={null}
        onRecheck={() => void types.refetch()}
        checking={types.isFetching}
        error={start.error}
        failed="Could not start the draft."
      />
      {job && (
        <LiveJob
          key={job.id}
          job={job}
          label="Draft"
          onFinished={(j) => {
            setJob(j);
            if (j.status === 'failed')
              toasts.push('error', `The draft failed: ${j.error ?? 'unknown error'}`);
          }}
        >
          {(j) => {
            if (j.status !== 'completed') return null;
            const draft = draftOf(j);
            if (!draft) return <p className="error small">The draft could not be read.</p>;
            return (
              <DraftReview
                draft={draft}
                replaces={props.sections}
                onApply={() => {
                  applyDraft(props.doc, props.lessonId, draft);
                  setJob(null);
                  toasts.push('success', 'Draft applied to the script.');
                }}
                onDiscard={() => setJob(null)}
              />
            );
          }}
        </LiveJob>
      )}
    </section>
  );
}
