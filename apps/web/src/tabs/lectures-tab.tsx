import { noContentSchema } from '@clapboard/shared/api';
import { LECTURE_LIMITS, type Lecture, lectureSchema } from '@clapboard/shared/highlights';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import { ErrorBoundary } from '../components/error-boundary';
import { LectureUpload } from '../lectures/lecture-upload';
import { lecturesKey, useLectures } from '../lectures/use-lectures';
import { api, errorText } from '../lib/api-client';
import { formatDuration, formatTime } from '../lib/format';
import { useCan, useProject, useRole } from '../lib/project-context';
import { useToasts } from '../lib/toasts';

// The lecture page (player, transcript, candidates, clips) is its own chunk: the list opens fast.
const LecturePage = lazy(() => import('../lectures/lecture-page').then((m) => ({ default: m.LecturePage })));

/** One lecture in the list: open, rename, delete (with a second click to confirm). */
function LectureItem(props: { lecture: Lecture; open: boolean; canWrite: boolean; onOpen: () => void }) {
  const { lecture } = props;
  const { projectId } = useProject();
  const qc = useQueryClient();
  const toasts = useToasts();
  const [renaming, setRenaming] = useState(false);
  const [title, setTitle] = useState(lecture.title);
  const [confirming, setConfirming] = useState(false);
  const refresh = () => void qc.invalidateQueries({ queryKey: lecturesKey(projectId) });
  const rename = useMutation({
    mutationFn: () => api(`/lectures/${lecture.id}`, lectureSchema, { method: 'PATCH', json: { title } }),
    onSuccess: () => {
      setRenaming(false);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => api(`/lectures/${lecture.id}`, noContentSchema, { method: 'DELETE' }),
    onSuccess: () => {
      toasts.push('success', `"${lecture.title}" deleted.`);
      refresh();
    },
    onError: (err) => toasts.push('error', errorText(err, 'Could not delete the lecture.')),
  });
  if (renaming)
    return (
      <li className="lecture-item" data-lecture-id={lecture.id}>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (title.trim()) rename.mutate();
          }}
        >
          <input
            aria-label={`New title for ${lecture.title}`}
            value={title}
            maxLength={LECTURE_LIMITS.maxTitleChars}
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
            {errorText(rename.error, 'Could not rename the lecture.')}
          </p>
        )}
      </li>
    );
  return (
    <li className={`lecture-item${props.open ? ' open' : ''}`} data-lecture-id={lecture.id}>
      <button
        type="button"
        className="link"
        aria-current={props.open ? 'true' : undefined}
        onClick={props.onOpen}
      >
        {lecture.title}
      </button>
      <span className="muted small">
        {lecture.durationSec ? `${formatDuration(lecture.durationSec)} · ` : ''}
        {formatTime(lecture.createdAt)}
      </span>
      {props.canWrite && (
        <span className="row small">
          <button
            type="button"
            className="ghost small"
            onClick={() => {
              setTitle(lecture.title);
              setRenaming(true);
            }}
          >
            Rename<span className="sr-only"> {lecture.title}</span>
          </button>
          {confirming ? (
            <>
              <button
                type="button"
                className="small danger"
                onClick={() => remove.mutate()}
                disabled={remove.isPending}
              >
                Confirm delete<span className="sr-only"> {lecture.title}</span>
              </button>
              <button type="button" className="ghost small" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" className="ghost small" onClick={() => setConfirming(true)}>
              Delete<span className="sr-only"> {lecture.title}</span>
            </button>
          )}
        </span>
      )}
    </li>
  );
}

/**
 * The Lectures tab: upload a recorded lecture (resumable), the project's lectures (live for every
 * member), and the open lecture's page: analysis, transcript, ranked candidates with the team's
 * weights, clips.
 */
export function LecturesTab() {
  const { projectId, socket } = useProject();
  const qc = useQueryClient();
  const canWrite = useCan('lectures:write');
  const canUpload = useCan('assets:write');
  const role = useRole();
  const lectures = useLectures(projectId, socket);
  const [openId, setOpenId] = useState<string | null>(null);
  const items = lectures.data?.pages.flatMap((p) => p.items) ?? [];
  const open = items.find((l) => l.id === openId) ?? null;
  useEffect(() => {
    if (openId && lectures.isSuccess && !lectures.isFetching && !items.some((l) => l.id === openId))
      setOpenId(null);
  }, [openId, items, lectures.isSuccess, lectures.isFetching]);
  return (
    <div className="lectures">
      <section className="card lecture-list" aria-labelledby="lectures-title">
        <div className="row spread">
          <h2 id="lectures-title">Lectures</h2>
          {!canWrite && role && (
            <span className="badge" role="note">
              Read-only ({role})
            </span>
          )}
        </div>
        <p className="muted small">
          A long recorded lecture in; the few best minutes out as clips, ranked by signals you can see and
          steer together.
        </p>
        {canWrite && canUpload && (
          <LectureUpload
            onCreated={(l) => {
              // Refetch first: the open lecture must be in the list, or the effect below closes it.
              void qc.invalidateQueries({ queryKey: lecturesKey(projectId) });
              setOpenId(l.id);
            }}
          />
        )}
        {lectures.isPending && <p className="muted">Loading lectures…</p>}
        {lectures.error && (
          <p className="error" role="alert">
            {errorText(lectures.error, 'Could not load the lectures.')}{' '}
            <button type="button" onClick={() => void lectures.refetch()}>
              Retry
            </button>
          </p>
        )}
        {lectures.isSuccess && items.length === 0 && <p className="muted">No lectures yet.</p>}
        <ul className="plain" aria-label="Lectures">
          {items.map((l) => (
            <LectureItem
              key={l.id}
              lecture={l}
              open={l.id === openId}
              canWrite={canWrite}
              onOpen={() => setOpenId(l.id)}
            />
          ))}
        </ul>
        {lectures.hasNextPage && (
          <button type="button" className="ghost small" onClick={() => void lectures.fetchNextPage()}>
            More lectures
          </button>
        )}
      </section>
      {open && (
        <ErrorBoundary key={open.id} label="Lecture">
          <Suspense fallback={<p className="muted">Opening the lecture…</p>}>
            <LecturePage lecture={open} />
          </Suspense>
        </ErrorBoundary>
      )}
    </div>
  );
}
