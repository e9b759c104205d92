import { LESSON_LIMITS, type LessonSection } from '@clapboard/shared/lessons';
import { useId } from 'react';
import type * as Y from 'yjs';
import { moveSection, removeSection, setSectionFields } from './lesson-doc';

/** "n / max" beside a field, marked when at the limit. */
export function Counter({ n, max, label }: { n: number; max: number; label: string }) {
  return (
    <span
      className={`counter small${n >= max ? ' at-limit' : ' muted'}`}
      title={`${label}: ${n} of ${max} characters`}
    >
      {n} / {max}
      <span className="sr-only"> characters</span>
    </span>
  );
}

const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);

/**
 * One section of the script: title, narration (what the presenter says) and an optional slide
 * (title and up to LESSON_LIMITS.maxBullets bullets, one per line), with counters and the limits
 * enforced as you type; move up or down, remove. Every keystroke is written to the section's Y.Map.
 *
 * @param narrationRoom characters the narration may grow by before the lesson's total limit
 */
export function SectionEditor(props: {
  doc: Y.Doc;
  lessonId: string;
  section: LessonSection;
  index: number;
  count: number;
  narrationRoom: number;
  canEdit: boolean;
}) {
  const { doc, lessonId, section, index } = props;
  const id = useId();
  const n = index + 1;
  const set = (patch: Parameters<typeof setSectionFields>[3]) =>
    setSectionFields(doc, lessonId, section.id, patch);
  const maxNarration = Math.min(
    LESSON_LIMITS.maxNarrationChars,
    section.narration.length + Math.max(0, props.narrationRoom),
  );
  const bullets = section.slide?.bullets ?? [];
  return (
    <li className="card inset lesson-section" data-section-id={section.id}>
      <div className="row spread">
        <strong>Section {n}</strong>
        {props.canEdit && (
          <span className="row small">
            <button
              type="button"
              className="ghost small"
              disabled={index === 0}
              onClick={() => moveSection(doc, lessonId, section.id, index - 1)}
            >
              Move up<span className="sr-only"> section {n}</span>
            </button>
            <button
              type="button"
              className="ghost small"
              disabled={index === props.count - 1}
              onClick={() => moveSection(doc, lessonId, section.id, index + 1)}
            >
              Move down<span className="sr-only"> section {n}</span>
            </button>
            <button
              type="button"
              className="ghost small"
              onClick={() => removeSection(doc, lessonId, section.id)}
            >
              Remove<span className="sr-only"> section {n}</span>
            </button>
          </span>
        )}
      </div>
      <label htmlFor={`${id}-title`}>
        <span className="row spread">
          Title{' '}
          <Counter
            n={section.title.length}
            max={LESSON_LIMITS.maxSectionTitleChars}
            label={`Section ${n} title`}
          />
        </span>
        <input
          id={`${id}-title`}
          aria-label={`Section ${n} title`}
          value={section.title}
          maxLength={LESSON_LIMITS.maxSectionTitleChars}
          readOnly={!props.canEdit}
          onChange={(e) => set({ title: clip(e.target.value, LESSON_LIMITS.maxSectionTitleChars) })}
        />
      </label>
      <label htmlFor={`${id}-narration`}>
        <span className="row spread">
          Narration{' '}
          <Counter
            n={section.narration.length}
            max={LESSON_LIMITS.maxNarrationChars}
            label={`Section ${n} narration`}
          />
        </span>
        <textarea
          id={`${id}-narration`}
          aria-label={`Section ${n} narration`}
          rows={5}
          value={section.narration}
          maxLength={maxNarration}
          readOnly={!props.canEdit}
          onChange={(e) => set({ narration: clip(e.target.value, maxNarration) })}
        />
      </label>
      <label className="inline small">
        <input
          type="checkbox"
          checked={section.slide !== null}
          disabled={!props.canEdit}
          onChange={(e) => set({ slide: e.target.checked ? { title: section.title, bullets: [] } : null })}
        />{' '}
        Show a slide during this section
      </label>
      {section.slide && (
        <div className="slide-editor">
          <label htmlFor={`${id}-slide-title`}>
            Slide title
            <input
              id={`${id}-slide-title`}
              aria-label={`Section ${n} slide title`}
              value={section.slide.title}
              maxLength={LESSON_LIMITS.maxSectionTitleChars}
              readOnly={!props.canEdit}
              onChange={(e) =>
                set({ slide: { title: clip(e.target.value, LESSON_LIMITS.maxSectionTitleChars), bullets } })
              }
            />
          </label>
          <label htmlFor={`${id}-bullets`}>
            <span className="row spread">
              Bullets (one per line)
              <span className="muted small">
                {bullets.filter((b) => b.trim()).length} / {LESSON_LIMITS.maxBullets}
              </span>
            </span>
            <textarea
              id={`${id}-bullets`}
              aria-label={`Section ${n} slide bullets`}
              rows={Math.min(LESSON_LIMITS.maxBullets, Math.max(2, bullets.length))}
              value={bullets.join('\n')}
              readOnly={!props.canEdit}
              onChange={(e) =>
                set({
                  slide: {
                    title: section.slide?.title ?? '',
                    bullets: e.target.value
                      .split('\n')
                      .slice(0, LESSON_LIMITS.maxBullets)
                      .map((b) => clip(b, LESSON_LIMITS.maxBulletChars)),
                  },
                })
              }
            />
          </label>
        </div>
      )}
    </li>
  );
}
