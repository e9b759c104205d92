import { noContentSchema } from '@clapboard/shared/api';
import { LESSON_LIMITS, type Lesson, lessonSchema } from '@clapboard/shared/lessons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, lazy, Suspense, useEffect, useState } from 'react';
import { ErrorBoundary } from '../components/error-boundary';
import { setLessonFields } from '../lessons/lesson-doc';
import { lessonsKey, useLessons } from '../lessons/use-lessons';
import { api, errorText } from '../lib/api-client';
import { formatTime } from '../lib/format';
import { useCan, useProject, useRole } from '../lib/project-context';
import { useToasts } from '../lib/toasts';

// The wizard (upload, consent, script editor, jobs, player) is its own chunk: the list opens fast.
const LessonWizard = lazy(() =>
  import('../lessons/lesson-wizard').then((m) => ({ default: m.LessonWizard })),
);

/** Create a lesson by title; the creator opens it at once. */
function NewLessonForm({ onCreated }: { onCreated: (lesson: Lesson) => void }) {
  const { projectId } = useProject();
  const qc = useQueryClient();
  const [title, setTitle] = useState('');
  const create = useMutation({
    mutationFn: () =>
      api(`/projects/${projectId}/lessons`, lessonSchema, { method: 'POST', json: { title } }),
    onSuccess: (lesson) => {
      setTitle('');
      void qc.invalidateQueries({ queryKey: lessonsKey(projectId) });
      onCreated(lesson);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (title.trim()) create.mutate();
  };
  return (
    <form className="row wrap new-lesson" onSubmit={submit}>
      <label htmlFor="new-lesson-title" className="grow">
        New lesson
        <input
          id="new-lesson-title"
          value={title}
          maxLength={LESSON_LIMITS.maxTitleChars}
          placeholder="e.g. Using a fire extinguisher"
          onChange={(e) => setTitle(e.target.value)}
        />
      </label>
      <button type="submit" disabled={!title.trim() || create.isPending}>
        Create lesson
      </button>
      {create.error && (
        <p className="error small" role="alert">
          {errorText(create.error, 'Could not create the lesson.')}
        </p>
      )}
    </form>
  );
}

/** One lesson in the list: open it, rename it, delete it (with a second click to confirm). */
function LessonItem(props: { lesson: Lesson; open: boolean; canWrite: boolean; onOpen: () => void }) {
  const { lesson } = props;
  const { projectId } = useProject();
  const qc = useQueryClient();
  const toasts = useToasts();
  const [renaming, setRenaming] = useState(false);
  const [title, setTitle] = useState(lesson.title);
  const [confirming, setConfirming] = useState(false);
  const refresh = () => void qc.invalidateQueries({ queryKey: lessonsKey(projectId) });
  const rename = useMutation({
    mutationFn: () => api(`/lessons/${lesson.id}`, lessonSchema, { method: 'PATCH', json: { title } }),
    onSuccess: () => {
      setRenaming(false);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => api(`/lessons/${lesson.id}`, noContentSchema, { method: 'DELETE' }),
    onSuccess: () => {
      toasts.push('success', `"${lesson.title}" deleted.`);
      refresh();
    },
    onError: (err) => toasts.push('error', errorText(err, 'Could not delete the lesson.')),
  });
  if (renaming)
    return (
      <li className="lesson-item" data-lesson-id={lesson.id}>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (title.trim()) rename.mutate();
          }}
        >
          <input
            aria-label={`New title for ${lesson.title}`}
            value={title}
            maxLength={LESSON_LIMITS.maxTitleChars}
            onChange={(e) => setTitle(e.target.value)}
          />
          <button type="submit" className="small" disabled={!title.trim() || rename.isPending}>
            Save
          </button>
          <button type="button" className="ghost small" onClick={() => setRenaming(false)}>
            Cancel
          </button>
        </form>
        {rename.error && (
          <p className="error small" role="alert">
            {errorText(rename.error, 'Could not rename the lesson.')}
          </p>
        )}
      </li>
    );
  return (
    <li className={`lesson-item${props.open ? ' open' : ''}`} data-lesson-id={lesson.id}>
      <button
        type="button"
        className="link"
        aria-current={props.open ? 'true' : undefined}
        onClick={props.onOpen}
      >
        {lesson.title}
      </button>
      <span className="muted small">{formatTime(lesson.createdAt)}</span>
      {props.canWrite && (
        <span className="row small">
          <button
            type="button"
            className="ghost small"
            onClick={() => {
              setTitle(lesson.title);
              setRenaming(true);
            }}
          >
            Rename<span className="sr-only"> {lesson.title}</span>
          </button>
          {confirming ? (
            <>
              <button
                type="button"
                className="small danger"
                onClick={() => remove.mutate()}
                disabled={remove.isPending}
              >
                Confirm delete<span className="sr-only"> {lesson.title}</span>
              </button>
              <button type="button" className="ghost small" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" className="ghost small" onClick={() => setConfirming(true)}>
              Delete<span className="sr-only"> {lesson.title}</span>
            </button>
          )}
        </span>
      )}
    </li>
  );
}

/**
 * The Lessons tab: the project's lessons (create, rename, delete; live for every member) and the
 * lesson wizard of the open one. Viewers and reviewers see everything read-only.
 */
export function LessonsTab() {
  const { projectId, socket, connection } = useProject();
  const canWrite = useCan('lessons:write');
  const role = useRole();
  const lessons = useLessons(projectId, socket);
  const [openId, setOpenId] = useState<string | null>(null);
  const items = lessons.data?.pages.flatMap((p) => p.items) ?? [];
  const open = items.find((l) => l.id === openId) ?? null;
  // A lesson deleted by someone else (or here) closes: the list no longer has it.
  useEffect(() => {
    if (openId && lessons.isSuccess && !lessons.isFetching && !items.some((l) => l.id === openId))
      setOpenId(null);
  }, [openId, items, lessons.isSuccess, lessons.isFetching]);
  return (
    <div className="lessons">
      <section className="card lesson-list" aria-labelledby="lessons-title">
        <div className="row spread">
          <h2 id="lessons-title">Lessons</h2>
          {/* The open wizard says it too; once is enough. */}
          {!canWrite && role && !open && (
            <span className="badge" role="note">
              Read-only ({role})
            </span>
          )}
        </div>
        <p className="muted small">
          A portrait and a script become a narrated lesson with slides, exported for any LMS. Everything you
          write here is shared live with the team.
        </p>
        {canWrite && (
          <NewLessonForm
            onCreated={(l) => {
              // The creator makes the lesson's map in the document (see ensureLessonMap).
              setLessonFields(connection.doc, l.id, { title: l.title });
              setOpenId(l.id);
            }}
          />
        )}
        {lessons.isPending && <p className="muted">Loading lessons…</p>}
        {lessons.error && (
          <p className="error" role="alert">
            {errorText(lessons.error, 'Could not load the lessons.')}{' '}
            <button type="button" onClick={() => void lessons.refetch()}>
              Retry
            </button>
          </p>
        )}
        {lessons.isSuccess && items.length === 0 && <p className="muted">No lessons yet.</p>}
        <ul className="plain" aria-label="Lessons">
          {items.map((l) => (
            <LessonItem
              key={l.id}
              lesson={l}
              open={l.id === openId}
              canWrite={canWrite}
              onOpen={() => setOpenId(l.id)}
            />
          ))}
        </ul>
        {lessons.hasNextPage && (
          <button type="button" className="ghost small" onClick={() => void lessons.fetchNextPage()}>
            More lessons
          </button>
        )}
      </section>
      {open && (
        <ErrorBoundary key={open.id} label="Lesson">
          <Suspense fallback={<p className="muted">Opening the lesson…</p>}>
            <LessonWizard lesson={open} />
          </Suspense>
        </ErrorBoundary>
      )}
    </div>
  );
}
