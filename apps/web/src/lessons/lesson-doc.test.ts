import { LESSON_LIMITS, type LessonDraft, lessonContentSchema } from '@clapboard/shared/lessons';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addSection,
  applyDraft,
  ensureLessonMap,
  findLessonMap,
  moveSection,
  readLessonContent,
  removeSection,
  setLessonFields,
  setSectionFields,
} from './lesson-doc';

const LESSON = '2b5f8a0e-4b7c-4d39-9a55-3a3c1e0a9d11';

/** Two replicas kept in sync both ways, as two browsers through the realtime server. */
function pair() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(b, u, 'remote'));
  b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(a, u, 'remote'));
  return { a, b };
}
const content = (doc: Y.Doc) => readLessonContent(findLessonMap(doc, LESSON));

describe('lesson content in the project Y.Doc', () => {
  it('reads defaults for a lesson nobody wrote yet, and what the schema parses once written', () => {
    const doc = new Y.Doc();
    expect(content(doc)).toEqual(lessonContentSchema.parse({}));
    setLessonFields(doc, LESSON, { step: 'voice', voice: 'festival-kal', title: 'Fire safety' });
    expect(content(doc)).toMatchObject({
      step: 'voice',
      voice: 'festival-kal',
      title: 'Fire safety',
      sections: [],
    });
  });

  it('keeps good fields when one is bad, and skips only the bad section', () => {
    const doc = new Y.Doc();
    const map = ensureLessonMap(doc, LESSON);
    map.set('step', 'dance');
    map.set('voice', 'flite-slt');
    const id = addSection(doc, LESSON)!;
    setSectionFields(doc, LESSON, id, { narration: 'Hello.' });
    (map.get('sections') as Y.Array<Y.Map<unknown>>).push([new Y.Map<unknown>([['title', 'no id']])]);
    const read = content(doc);
    expect(read.step).toBe('portrait');
    expect(read.voice).toBe('flite-slt');
    expect(read.sections).toEqual([{ id, title: '', narration: 'Hello.', slide: null }]);
  });

  it('two people edit different sections and fields at once; both edits survive', () => {
    const { a, b } = pair();
    const first = addSection(a, LESSON)!;
    const second = addSection(a, LESSON)!;
    setSectionFields(a, LESSON, first, { title: 'Intro' });
    setSectionFields(b, LESSON, first, { narration: 'Welcome.' });
    setSectionFields(b, LESSON, second, { slide: { title: 'Steps', bullets: ['One', 'Two'] } });
    expect(content(a)).toEqual(content(b));
    expect(content(a).sections).toEqual([
      { id: first, title: 'Intro', narration: 'Welcome.', slide: null },
      { id: second, title: '', narration: '', slide: { title: 'Steps', bullets: ['One', 'Two'] } },
    ]);
  });

  it('moves and removes sections by id, keeping every field', () => {
    const doc = new Y.Doc();
    const ids = [0, 1, 2].map(() => addSection(doc, LESSON)!);
    for (const [i, id] of ids.entries())
      setSectionFields(doc, LESSON, id, { title: `S${i}`, slide: { title: `T${i}`, bullets: [] } });
    moveSection(doc, LESSON, ids[2]!, 0);
    expect(content(doc).sections.map((s) => [s.id, s.title, s.slide?.title])).toEqual([
      [ids[2], 'S2', 'T2'],
      [ids[0], 'S0', 'T0'],
      [ids[1], 'S1', 'T1'],
    ]);
    removeSection(doc, LESSON, ids[0]!);
    removeSection(doc, LESSON, ids[0]!); // already gone: nothing happens
    expect(content(doc).sections.map((s) => s.id)).toEqual([ids[2], ids[1]]);
  });

  it('stops adding sections at the limit', () => {
    const doc = new Y.Doc();
    for (let i = 0; i < LESSON_LIMITS.maxSections; i++) expect(addSection(doc, LESSON)).not.toBeNull();
    expect(addSection(doc, LESSON)).toBeNull();
    expect(content(doc).sections).toHaveLength(LESSON_LIMITS.maxSections);
  });

  it('applies a draft in one transaction: sections with new ids, title, quiz with ids, step', () => {
    const { a, b } = pair();
    addSection(a, LESSON);
    let updates = 0;
    b.on('update', () => updates++);
    const draft: LessonDraft = {
      title: 'Ladders',
      sections: [
        {
          title: 'Check',
          narration: 'Check the feet.',
          slide: { title: 'Check', bullets: ['Feet', 'Rungs'] },
        },
        { title: 'Climb', narration: 'Three points of contact.', slide: null },
      ],
      quiz: { questions: [{ prompt: 'How many points?', choices: ['Two', 'Three'], answer: 1 }] },
    };
    applyDraft(a, LESSON, draft);
    expect(updates).toBe(1);
    const read = content(b);
    expect(read.title).toBe('Ladders');
    expect(read.step).toBe('script');
    expect(read.sections.map((s) => [s.title, s.narration, s.slide])).toEqual(
      draft.sections.map((s) => [s.title, s.narration, s.slide]),
    );
    expect(new Set(read.sections.map((s) => s.id)).size).toBe(2);
    expect(read.quiz).toMatchObject({
      passPercent: 80,
      questions: [{ prompt: 'How many points?', answer: 1 }],
    });
    expect(read.quiz?.questions[0]?.id).toMatch(/\w+/);
  });
});
