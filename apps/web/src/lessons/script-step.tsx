import type { Job } from '@clapboard/shared/jobs';
import { LESSON_LIMITS, type LessonContent, narrationChars } from '@clapboard/shared/lessons';
import { useId } from 'react';
import { useCan, useProject } from '../lib/project-context';
import { DraftPanel } from './draft-panel';
import { addSection, setLessonFields } from './lesson-doc';
import { QuizEditor } from './quiz-editor';
import { Counter, SectionEditor } from './section-editor';

/** A presenter's pace, for the length shown beside the narration total (words a minute). */
const WORDS_PER_MINUTE = 150;

/**
 * Step 3: the script. Sections (title, narration, optional slide) written by hand, added, removed
 * and reordered within LESSON_LIMITS; or drafted with AI and applied after review; and an optional
 * quiz. The manual path is complete without any provider.
 */
export function ScriptStep(props: {
  lessonId: string;
  lessonTitle: string;
  content: LessonContent;
  canEdit: boolean;
  /** The draft job being followed (see DraftPanel). */
  draftJob: Job | null;
  onDraftJob: (job: Job | null) => void;
}) {
  const { connection } = useProject();
  const doc = connection.doc;
  const canDraft = useCan('jobs:create') && props.canEdit;
  const id = useId();
  const { content } = props;
  const total = narrationChars(content);
  const words = content.sections.reduce((n, s) => n + (s.narration.match(/\S+/g)?.length ?? 0), 0);
  const room = LESSON_LIMITS.maxTotalNarrationChars - total;
  const full = content.sections.length >= LESSON_LIMITS.maxSections;
  return (
    <div className="lesson-step script-step">
      <label htmlFor={`${id}-title`}>
        <span className="row spread">
          On-screen title{' '}
          <Counter n={content.title.length} max={LESSON_LIMITS.maxTitleChars} label="On-screen title" />
        </span>
        <input
          id={`${id}-title`}
          value={content.title}
          placeholder={props.lessonTitle}
          maxLength={LESSON_LIMITS.maxTitleChars}
          readOnly={!props.canEdit}
          onChange={(e) =>
            setLessonFields(doc, props.lessonId, {
              title: e.target.value.slice(0, LESSON_LIMITS.maxTitleChars),
            })
          }
        />
      </label>
      {canDraft && (
        <DraftPanel
          doc={doc}
          lessonId={props.lessonId}
          lessonTitle={props.lessonTitle}
          sections={content.sections.length}
          job={props.draftJob}
          onJob={props.onDraftJob}
        />
      )}
      <p className="small" data-testid="narration-total">
        {content.sections.length} / {LESSON_LIMITS.maxSections} sections · narration{' '}
        {total.toLocaleString('en')} / {LESSON_LIMITS.maxTotalNarrationChars.toLocaleString('en')} characters
        · about {Math.max(0, words / WORDS_PER_MINUTE).toFixed(1)} min spoken
      </p>
      {content.sections.length === 0 && <p className="muted">No sections yet.</p>}
      <ol className="plain lesson-sections" aria-label="Sections">
        {content.sections.map((s, i) => (
          <SectionEditor
            key={s.id}
            doc={doc}
            lessonId={props.lessonId}
            section={s}
            index={i}
            count={content.sections.length}
            narrationRoom={room}
            canEdit={props.canEdit}
          />
        ))}
      </ol>
      {props.canEdit && (
        <button
          type="button"
          className="ghost"
          disabled={full}
          onClick={() => addSection(doc, props.lessonId)}
        >
          {full ? `At most ${LESSON_LIMITS.maxSections} sections` : 'Add section'}
        </button>
      )}
      <QuizEditor doc={doc} lessonId={props.lessonId} canEdit={props.canEdit} />
    </div>
  );
}
