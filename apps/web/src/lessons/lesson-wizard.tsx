import type { Job } from '@clapboard/shared/jobs';
import { LESSON_STEPS, type Lesson, type LessonStep } from '@clapboard/shared/lessons';
import { useState } from 'react';
import { useCan, useProject, useRole } from '../lib/project-context';
import { ExportStep } from './export-step';
import { setLessonFields } from './lesson-doc';
import { PortraitStep } from './portrait-step';
import { RenderStep } from './render-step';
import { ScriptStep } from './script-step';
import { useLessonContent } from './use-lesson-content';
import { VoiceStep } from './voice-step';

export const STEP_LABELS: Record<LessonStep, string> = {
  portrait: 'Portrait',
  voice: 'Voice',
  script: 'Script',
  preview: 'Preview',
  render: 'Render',
  export: 'Export',
};

/**
 * The lesson wizard: portrait → voice → script → preview → render → export. Where the team is
 * (`step`) lives in the lesson's Y.Map with everything else, so a teammate opening the lesson, or
 * watching it, follows to the same step and picks up there; moving between steps writes it.
 * Members who cannot write the document browse the steps on their own, read-only.
 */
export function LessonWizard({ lesson }: { lesson: Lesson }) {
  const { connection } = useProject();
  const content = useLessonContent(connection.doc, lesson.id);
  const canEdit = useCan('document:write');
  const role = useRole();
  const [browsing, setBrowsing] = useState<LessonStep | null>(null);
  // Kept here, not in the script step: a teammate may move the team to another step meanwhile.
  const [draftJob, setDraftJob] = useState<Job | null>(null);
  const step = canEdit ? content.step : (browsing ?? content.step);
  const at = LESSON_STEPS.indexOf(step);
  const go = (next: LessonStep) =>
    canEdit ? setLessonFields(connection.doc, lesson.id, { step: next }) : setBrowsing(next);
  const props = { lessonId: lesson.id, content, canEdit };
  return (
    <section
      className="card lesson-wizard"
      aria-labelledby="lesson-wizard-title"
      data-lesson-id={lesson.id}
      data-step={content.step}
    >
      <div className="row spread">
        <h2 id="lesson-wizard-title">{lesson.title}</h2>
        {!canEdit && role && (
          <span className="badge" role="note">
            Read-only ({role})
          </span>
        )}
      </div>
      <nav aria-label="Lesson steps">
        <ol className="wizard-steps">
          {LESSON_STEPS.map((s, i) => (
            <li key={s}>
              <button
                type="button"
                className={s === step ? 'current' : 'ghost'}
                aria-current={s === step ? 'step' : undefined}
                onClick={() => go(s)}
              >
                {i + 1}. {STEP_LABELS[s]}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      {!canEdit && browsing && browsing !== content.step && (
        <p className="muted small">The team is at the {STEP_LABELS[content.step]} step.</p>
      )}
      <h3>{STEP_LABELS[step]}</h3>
      {step === 'portrait' && <PortraitStep {...props} />}
      {step === 'voice' && <VoiceStep {...props} />}
      {step === 'script' && (
        <ScriptStep {...props} lessonTitle={lesson.title} draftJob={draftJob} onDraftJob={setDraftJob} />
      )}
      {step === 'preview' && <RenderStep {...props} mode="preview" />}
      {step === 'render' && <RenderStep {...props} mode="final" />}
      {step === 'export' && <ExportStep {...props} />}
      <div className="row spread wizard-nav">
        <button type="button" className="ghost" disabled={at <= 0} onClick={() => go(LESSON_STEPS[at - 1]!)}>
          Back
        </button>
        <button
          type="button"
          disabled={at >= LESSON_STEPS.length - 1}
          onClick={() => go(LESSON_STEPS[at + 1]!)}
        >
          Next: {STEP_LABELS[LESSON_STEPS[Math.min(at + 1, LESSON_STEPS.length - 1)]!]}
        </button>
      </div>
    </section>
  );
}
