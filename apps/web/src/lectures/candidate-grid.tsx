import type { LectureSteering, RankedCandidate } from '@clapboard/shared/highlights';
import { useState } from 'react';
import type * as Y from 'yjs';
import { SIGNAL_INFO } from './signal-labels';
import { setPick } from './steering-doc';

/** Cards shown before "Show all": each loads a poster frame from the video. */
const FIRST_CARDS = 12;
const clock = (sec: number) => `${Math.floor(sec / 60)}:${String(Math.floor(sec % 60)).padStart(2, '0')}`;

/** The score as a bar of per-signal parts (each its points of the 0–100 score). */
function ScoreBar({ ranked }: { ranked: RankedCandidate }) {
  return (
    <div className="score-bar" role="img" aria-label={`Score ${ranked.score}`}>
      {ranked.contributions.map((c) => (
        <span
          key={c.signal}
          className="score-part"
          data-signal={c.signal}
          style={{ width: `${c.points}%`, background: SIGNAL_INFO[c.signal].color }}
          title={`${SIGNAL_INFO[c.signal].label}: ${c.points.toFixed(1)} points (value ${c.value.toFixed(2)} × weight ${c.weight.toFixed(2)})`}
        />
      ))}
    </div>
  );
}

/** One candidate: poster frame at its start, rank and score, why, and the team's pick and trim. */
function CandidateCard(props: {
  ranked: RankedCandidate;
  videoUrl: string | null;
  pick: LectureSteering['picks'][string] | undefined;
  doc: Y.Doc;
  lectureId: string;
  canWrite: boolean;
  onPlay: (sec: number) => void;
  onSendToStoryboard: (span: { startSec: number; endSec: number }) => void;
}) {
  const { ranked, pick } = props;
  const c = ranked.candidate;
  const span = {
    startSec: Math.max(0, c.startSec + (pick?.trimStartSec ?? 0)),
    endSec: c.endSec + (pick?.trimEndSec ?? 0),
  };
  const trim = (key: 'trimStartSec' | 'trimEndSec', v: number) =>
    setPick(props.doc, props.lectureId, c.id, {
      trimStartSec: pick?.trimStartSec ?? 0,
      trimEndSec: pick?.trimEndSec ?? 0,
      [key]: v,
    });
  return (
    <li className={`candidate card${pick ? ' picked' : ''}`} data-candidate-id={c.id} data-rank={ranked.rank}>
      {props.videoUrl && (
        // A media fragment makes the browser show the frame at the candidate's start as the poster.
        <video
          className="poster"
          src={`${props.videoUrl}#t=${c.startSec}`}
          preload="metadata"
          muted
          playsInline
        />
      )}
      <div className="row spread">
        <strong className="rank">#{ranked.rank}</strong>
        <span className="score">{ranked.score.toFixed(1)}</span>
      </div>
      <ScoreBar ranked={ranked} />
      <p className="small muted">
        {clock(span.startSec)}–{clock(span.endSec)} · {Math.round(span.endSec - span.startSec)} s
      </p>
      <p className="candidate-text small">{c.text.length > 240 ? `${c.text.slice(0, 240)}…` : c.text}</p>
      <ul className="reasons small">
        {c.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
        {c.llmReason && <li>LLM: {c.llmReason}</li>}
      </ul>
      <div className="row wrap small">
        <button type="button" className="ghost small" onClick={() => props.onPlay(span.startSec)}>
          Play
        </button>
        <label className="row">
          <input
            type="checkbox"
            checked={!!pick}
            disabled={!props.canWrite}
            onChange={(e) =>
              setPick(
                props.doc,
                props.lectureId,
                c.id,
                e.target.checked ? { trimStartSec: 0, trimEndSec: 0 } : null,
              )
            }
          />
          Pick
        </label>
        {pick && (
          <>
            <label>
              Trim in (s)
              <input
                type="number"
                step={0.5}
                min={-30}
                max={30}
                value={pick.trimStartSec}
                disabled={!props.canWrite}
                onChange={(e) => trim('trimStartSec', Number(e.target.value))}
              />
            </label>
            <label>
              Trim out (s)
              <input
                type="number"
                step={0.5}
                min={-30}
                max={30}
                value={pick.trimEndSec}
                disabled={!props.canWrite}
                onChange={(e) => trim('trimEndSec', Number(e.target.value))}
              />
            </label>
            {props.canWrite && (
              <button type="button" className="ghost small" onClick={() => props.onSendToStoryboard(span)}>
                Send to storyboard
              </button>
            )}
          </>
        )}
      </div>
    </li>
  );
}

/** The ranked candidates (ranked by the caller with the live weights), best first. */
export function CandidateGrid(props: {
  ranked: RankedCandidate[];
  steering: LectureSteering;
  videoUrl: string | null;
  doc: Y.Doc;
  lectureId: string;
  canWrite: boolean;
  onPlay: (sec: number) => void;
  onSendToStoryboard: (span: { startSec: number; endSec: number }) => void;
}) {
  const [all, setAll] = useState(false);
  const shown = all ? props.ranked : props.ranked.slice(0, FIRST_CARDS);
  return (
    <>
      <ol className="candidate-grid plain" aria-label="Ranked candidates">
        {shown.map((r) => (
          <CandidateCard
            key={r.candidate.id}
            ranked={r}
            videoUrl={props.videoUrl}
            pick={props.steering.picks[r.candidate.id]}
            doc={props.doc}
            lectureId={props.lectureId}
            canWrite={props.canWrite}
            onPlay={props.onPlay}
            onSendToStoryboard={props.onSendToStoryboard}
          />
        ))}
      </ol>
      {!all && props.ranked.length > FIRST_CARDS && (
        <button type="button" className="ghost small" onClick={() => setAll(true)}>
          Show all {props.ranked.length}
        </button>
      )}
    </>
  );
}
