import { type LessonContent, portraitLessonPayloadSchema } from '@clapboard/shared/lessons';
import { useMutation } from '@tanstack/react-query';
import { useId } from 'react';
import { formatUsd } from '../lib/format';
import { useCan, useProject } from '../lib/project-context';
import { isCapabilityMissing } from '../lib/submit-job';
import { useToasts } from '../lib/toasts';
import { useJobTypes } from '../lib/use-job-types';
import { RenderPlayer } from '../renders/render-player';
import { setLessonFields } from './lesson-doc';
import { LessonJob, submitLessonJob } from './lesson-job';
import { actionAvailability, renderBlocker } from './lesson-readiness';
import { useConsents } from './use-consents';
import { WhyNot } from './why-not';

const TEXT = {
  preview: {
    button: 'Render preview',
    label: 'Preview',
    about: 'A cheap first pass: the still portrait, the voice and the slides, to check timing and wording.',
  },
  final: {
    button: 'Render final video',
    label: 'Final render',
    about:
      'The talking presenter (mouth, jaw, blinks and head motion from the speech), captions and a chapter per section.',
  },
} as const;

/**
 * Steps 4 and 5: a `portrait.lesson` job in `preview` or `final` mode, offered only when a live
 * worker runs that type (the server's reason shows otherwise) and the lesson is ready (a portrait
 * with a live consent, narration). The latest job of each mode is named in the lesson, so every
 * member sees its progress and its video.
 */
export function RenderStep(props: {
  lessonId: string;
  content: LessonContent;
  mode: 'preview' | 'final';
  canEdit: boolean;
}) {
  const { projectId, socket, connection } = useProject();
  const toasts = useToasts();
  const id = useId();
  const types = useJobTypes();
  const consents = useConsents(projectId, socket, [
    props.content.portraitConsentId,
    props.content.voiceConsentId,
  ]);
  const canRender = useCan('jobs:create') && props.canEdit;
  const text = TEXT[props.mode];
  const availability = actionAvailability(types.data, 'portrait.lesson');
  const unavailable = availability.state === 'unavailable' ? availability.reason : null;
  const blocker = renderBlocker(props.content, consents.data);
  const why = unavailable ?? blocker;
  const jobKey = props.mode === 'preview' ? 'previewJobId' : 'finalJobId';
  const start = useMutation({
    mutationFn: () =>
      submitLessonJob(
        projectId,
        'portrait.lesson',
        portraitLessonPayloadSchema.parse({ lessonId: props.lessonId, mode: props.mode }),
      ),
    onSuccess: (res) => {
      setLessonFields(connection.doc, props.lessonId, { [jobKey]: res.job.id });
      for (const w of res.warnings) toasts.push('warning', w);
      toasts.push('info', `${text.label} queued (estimate ${formatUsd(res.budget.estimateUsd)}).`);
    },
    onError: (err) => {
      if (isCapabilityMissing(err)) void types.refetch();
    },
  });
  return (
    <div className="lesson-step render-step" data-mode={props.mode}>
      <p className="muted small">{text.about}</p>
      {canRender && (
        <button
          type="button"
          disabled={!!why || start.isPending}
          aria-describedby={why ? `${id}-why` : undefined}
          onClick={() => start.mutate()}
        >
          {text.button}
        </button>
      )}
      <WhyNot
        id={`${id}-why`}
        unavailable={unavailable}
        blocker={blocker}
        onRecheck={() => void types.refetch()}
        checking={types.isFetching}
        error={start.error}
        failed="Could not start the render."
      />
      <LessonJob jobId={props.content[jobKey]} label={text.label}>
        {(job) => (job.status === 'completed' ? <RenderPlayer job={job} /> : null)}
      </LessonJob>
    </div>
  );
}
