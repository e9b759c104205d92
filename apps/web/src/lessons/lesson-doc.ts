import { DOC_KEYS } from '@clapboard/shared/document';
import {
  LESSON_LIMITS,
  type LessonContent,
  type LessonDraft,
  type LessonQuiz,
  type LessonSection,
  type LessonSlide,
  lessonContentSchema,
  lessonSectionSchema,
} from '@clapboard/shared/lessons';
import * as Y from 'yjs';

/**
 * A lesson's content in the project Y.Doc: `lessons` → lesson id → Y.Map (the keys of
 * `lessonContentSchema`), with `sections` a Y.Array of Y.Maps (`id`, `title`, `narration`,
 * `slide`) so two people editing different sections, or different fields of one, both keep their
 * change; `slide` and `quiz` are plain JSON values replaced whole. Every write is one transaction.
 */

type Shape = typeof lessonContentSchema.shape;

/** The `lessons` map of the project document. */
export function lessonsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(DOC_KEYS.lessons);
}

/** The lesson's Y.Map, or undefined while nobody has written it yet. */
export function findLessonMap(doc: Y.Doc, lessonId: string): Y.Map<unknown> | undefined {
  const entry = lessonsMap(doc).get(lessonId);
  return entry instanceof Y.Map ? entry : undefined;
}

/**
 * The lesson's Y.Map, created (with an empty `sections` array) on first write. Created lazily so
 * two people opening a new lesson at once do not both create it (the later map would win and the
 * other person's first edits would go with the losing one).
 */
export function ensureLessonMap(doc: Y.Doc, lessonId: string): Y.Map<unknown> {
  const found = findLessonMap(doc, lessonId);
  if (found) return found;
  const map = new Y.Map<unknown>();
  doc.transact(() => {
    map.set('sections', new Y.Array<Y.Map<unknown>>());
    lessonsMap(doc).set(lessonId, map);
  });
  return map;
}

/**
 * The lesson's content as the shared schema reads it. A field that does not parse (written by an
 * older client, or a bad value) falls back to its default instead of hiding the whole lesson.
 */
export function readLessonContent(map: Y.Map<unknown> | undefined): LessonContent {
  const raw = (map?.toJSON() ?? {}) as Record<string, unknown>;
  const whole = lessonContentSchema.safeParse(raw);
  if (whole.success) return whole.data;
  const shape = lessonContentSchema.shape;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape) as Array<keyof Shape>) {
    const field = shape[key].safeParse(raw[key]);
    out[key] = field.success ? field.data : shape[key].parse(undefined);
  }
  // Sections one by one: a bad one is skipped, the others stay.
  if (Array.isArray(raw.sections) && !shape.sections.safeParse(raw.sections).success)
    out.sections = (raw.sections as unknown[]).flatMap((s) => {
      const one = lessonSectionSchema.safeParse(s);
      return one.success ? [one.data] : [];
    });
  return out as LessonContent;
}

/** Fields of the lesson written as plain values (not sections). */
export type LessonFieldPatch = Partial<Omit<LessonContent, 'sections'>>;

/** Sets plain fields of the lesson; `undefined` leaves a field alone, `null` stores null. */
export function setLessonFields(doc: Y.Doc, lessonId: string, patch: LessonFieldPatch): void {
  doc.transact(() => {
    const map = ensureLessonMap(doc, lessonId);
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      if (map.get(key) !== value) map.set(key, value);
    }
  });
}

/** The lesson's sections array, created when missing (a map written by an older client). */
function sectionsArray(map: Y.Map<unknown>): Y.Array<Y.Map<unknown>> {
  const found = map.get('sections');
  if (found instanceof Y.Array) return found as Y.Array<Y.Map<unknown>>;
  const arr = new Y.Array<Y.Map<unknown>>();
  map.set('sections', arr);
  return arr;
}

function sectionMap(section: LessonSection): Y.Map<unknown> {
  return new Y.Map<unknown>([
    ['id', section.id],
    ['title', section.title],
    ['narration', section.narration],
    ['slide', section.slide],
  ]);
}

/** A fresh section id (unique within the lesson). */
export function newSectionId(): string {
  return crypto.randomUUID().slice(0, 12);
}

/**
 * Adds an empty section at `index` (default: the end).
 * @returns the new section's id, or null at LESSON_LIMITS.maxSections
 */
export function addSection(doc: Y.Doc, lessonId: string, index?: number): string | null {
  let id: string | null = null;
  doc.transact(() => {
    const arr = sectionsArray(ensureLessonMap(doc, lessonId));
    if (arr.length >= LESSON_LIMITS.maxSections) return;
    id = newSectionId();
    arr.insert(Math.min(index ?? arr.length, arr.length), [
      sectionMap({ id, title: '', narration: '', slide: null }),
    ]);
  });
  return id;
}

/** The live Y.Map of a section by id, with its index. */
function findSection(doc: Y.Doc, lessonId: string, sectionId: string) {
  const map = findLessonMap(doc, lessonId);
  if (!map) return null;
  const arr = sectionsArray(map);
  const index = arr.toArray().findIndex((m) => m instanceof Y.Map && m.get('id') === sectionId);
  return index < 0 ? null : { arr, index, section: arr.get(index) };
}

/** Removes a section by id (no-op when someone removed it already). */
export function removeSection(doc: Y.Doc, lessonId: string, sectionId: string): void {
  doc.transact(() => {
    const found = findSection(doc, lessonId, sectionId);
    if (found) found.arr.delete(found.index, 1);
  });
}

/**
 * Moves a section to `to` (an index in the array as it is now). Yjs cannot move an item, so the
 * section is re-created with all its fields at the new place, in one transaction.
 */
export function moveSection(doc: Y.Doc, lessonId: string, sectionId: string, to: number): void {
  doc.transact(() => {
    const found = findSection(doc, lessonId, sectionId);
    if (!found) return;
    const target = Math.max(0, Math.min(to, found.arr.length - 1));
    if (target === found.index) return;
    const copy = new Y.Map<unknown>(Object.entries(found.section.toJSON()));
    found.arr.delete(found.index, 1);
    found.arr.insert(target, [copy]);
  });
}

/** Fields of one section a person edits. */
export type SectionPatch = Partial<{ title: string; narration: string; slide: LessonSlide | null }>;

/** Sets fields of one section by id (no-op when it was removed meanwhile). */
export function setSectionFields(doc: Y.Doc, lessonId: string, sectionId: string, patch: SectionPatch): void {
  doc.transact(() => {
    const found = findSection(doc, lessonId, sectionId);
    if (!found) return;
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) found.section.set(key, value);
  });
}

/** Stores the quiz (null removes it). */
export function setQuiz(doc: Y.Doc, lessonId: string, quiz: LessonQuiz | null): void {
  setLessonFields(doc, lessonId, { quiz });
}

/**
 * Applies a reviewed draft: its sections replace the lesson's (new ids), its title becomes the
 * on-screen title, and its quiz replaces the lesson's when it has one (a draft without a quiz keeps
 * the lesson's quiz). The wizard moves to the script step. One transaction, so a teammate sees the
 * whole draft arrive at once.
 */
export function applyDraft(doc: Y.Doc, lessonId: string, draft: LessonDraft): void {
  doc.transact(() => {
    const map = ensureLessonMap(doc, lessonId);
    const arr = sectionsArray(map);
    arr.delete(0, arr.length);
    arr.insert(
      0,
      draft.sections
        .slice(0, LESSON_LIMITS.maxSections)
        .map((s) =>
          sectionMap({ id: newSectionId(), title: s.title, narration: s.narration, slide: s.slide }),
        ),
    );
    map.set('title', draft.title);
    if (draft.quiz)
      map.set('quiz', {
        passPercent: 80,
        questions: draft.quiz.questions.map((q) => ({ id: newSectionId(), ...q })),
      } satisfies LessonQuiz);
    map.set('step', 'script');
  });
}
