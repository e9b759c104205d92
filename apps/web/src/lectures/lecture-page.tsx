import { type Lecture, rankCandidates } from '@clapboard/shared/highlights';
import { useMemo, useRef } from 'react';
import { useCan, useProject } from '../lib/project-context';
import { useToasts } from '../lib/toasts';
import { useAsset } from '../lib/use-asset';
import { AnalysisPanel } from './analysis-panel';
import { CandidateGrid } from './candidate-grid';
import { clipToScenes } from './clip-to-scenes';
import { ClipsPanel } from './clips-panel';
import { picksToClips } from './picks-to-clips';
import { RenderPanel } from './render-panel';
import { sendToStoryboard } from './send-to-storyboard';
import { TranscriptView } from './transcript-view';
import { useLectureResults } from './use-lecture-results';
import { useSteering } from './use-steering';
import { WeightSliders } from './weight-sliders';

/**
 * One lecture: its analysis (start, live stages), the video with the transcript synced to it, the
 * candidates ranked live with the team's weights (pick, trim, send to the storyboard), rendering
 * the picks, and the rendered clips.
 */
export function LecturePage({ lecture }: { lecture: Lecture }) {
  const { connection } = useProject();
  const doc = connection.doc;
  const toasts = useToasts();
  // Weights and picks are document edits: the realtime server refuses them from viewers and reviewers.
  const canWrite = useCan('lectures:write');
  const video = useAsset(lecture.assetId);
  const player = useRef<HTMLVideoElement>(null);
  const { transcript, layout, candidates, clips } = useLectureResults(lecture.id);
  const steering = useSteering(doc, lecture.id);
  const found = candidates.data?.items.map((i) => i.candidate);
  const ranked = useMemo(() => rankCandidates(found ?? [], steering.weights), [found, steering.weights]);
  const picked = useMemo(
    () => picksToClips(found ?? [], steering.picks, lecture.durationSec),
    [found, steering.picks, lecture.durationSec],
  );
  const play = (sec: number) => {
    const el = player.current;
    if (!el) return;
    el.currentTime = sec;
    void el.play().catch(() => {});
  };
  const toStoryboard = (clip: { startSec: number; endSec: number }) => {
    if (!transcript.data) return toasts.push('error', 'The transcript is not loaded yet.');
    try {
      const built = clipToScenes({
        title: lecture.title,
        clip,
        transcript: transcript.data,
        layout: layout.data?.spans ?? [],
      });
      const ids = sendToStoryboard(doc, built);
      toasts.push(
        'success',
        `${ids.length} scene${ids.length === 1 ? '' : 's'} added to the storyboard and script.`,
      );
    } catch (err) {
      toasts.push('error', err instanceof Error ? err.message : 'Could not send the clip to the storyboard.');
    }
  };
  const noAnalysis = candidates.isSuccess && candidates.data === null;
  return (
    <div className="lecture-page" data-lecture-id={lecture.id}>
      <h2>{lecture.title}</h2>
      <AnalysisPanel lecture={lecture} />
      <div className="lecture-media">
        {video.data ? (
          // biome-ignore lint/a11y/useMediaCaption: the synced transcript beside it is the caption
          <video
            ref={player}
            className="lecture-player"
            src={video.data.urls.content}
            controls
            preload="metadata"
          />
        ) : (
          <p className="muted">{video.error ? 'The video could not be loaded.' : 'Loading the video…'}</p>
        )}
        {transcript.data && <TranscriptView transcript={transcript.data} video={player} />}
      </div>
      {noAnalysis && <p className="muted">Candidates appear here once the analysis has finished.</p>}
      {candidates.data && (
        <section className="card steering" aria-labelledby="candidates-title">
          <h3 id="candidates-title">Candidates</h3>
          <WeightSliders doc={doc} lectureId={lecture.id} steering={steering} canWrite={canWrite} />
          <CandidateGrid
            ranked={ranked}
            steering={steering}
            videoUrl={video.data?.urls.content ?? null}
            doc={doc}
            lectureId={lecture.id}
            canWrite={canWrite}
            onPlay={play}
            onSendToStoryboard={toStoryboard}
          />
        </section>
      )}
      {candidates.data && (
        <RenderPanel lecture={lecture} analysisJobId={candidates.data.source.jobId} clips={picked} />
      )}
      {clips.data && <ClipsPanel clips={clips.data} canWrite={canWrite} onSendToStoryboard={toStoryboard} />}
    </div>
  );
}
