import { type Brief, type BriefDraftApplied, briefDraftAppliedSchema } from '@clapboard/shared/campaigns';
import { type Job, jobActionResponseSchema } from '@clapboard/shared/jobs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { z } from 'zod';
import { LiveJob } from '../components/live-job';
import { ApiError, api } from '../lib/api-client';
import { useToasts } from '../lib/toasts';
import { useJobType } from '../lib/use-job-types';
import { draftSourceText, isReplaceConflict } from './brief-form';
import { orgKeys } from './use-org';

/** `POST /briefs/{id}/draft`: 200 the template draft written, or 202 the LLM job. */
const draftAnswerSchema = z.union([briefDraftAppliedSchema, jobActionResponseSchema]);

function OpenDraft({ projectId }: { projectId: string }) {
  return (
    <span className="row small">
      <Link to="/projects/$projectId/$tab" params={{ projectId, tab: 'script' }}>
        Open the script
      </Link>
      <Link to="/projects/$projectId/$tab" params={{ projectId, tab: 'storyboard' }}>
        Open the storyboard
      </Link>
    </span>
  );
}

/**
 * "Draft storyboard" from the brief: with the LLM (a `brief.draft` job, followed with progress and
 * ETA until it writes the draft) where a worker offers one, else the template at once, labelled as
 * such. A script that is not empty is replaced only when the person confirms (the API saves it as
 * a version first, so restoring that version undoes the draft).
 */
export function BriefDraftPanel(props: {
  brief: Brief;
  canDraft: boolean;
  /**
   * Whether the project's script is empty as this page has it: when not, the person is asked before
   * anything is sent (the API's 409 for it is still handled: the page may not have synced yet).
   */
  scriptBlank: boolean;
}) {
  const { brief, canDraft } = props;
  const qc = useQueryClient();
  const toasts = useToasts();
  const llm = useJobType('brief.draft');
  const [applied, setApplied] = useState<BriefDraftApplied | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [askReplace, setAskReplace] = useState<'auto' | 'template' | null>(null);
  const draft = useMutation({
    mutationFn: (body: { mode: 'auto' | 'template'; replace: boolean }) =>
      api(`/briefs/${brief.id}/draft`, draftAnswerSchema, { method: 'POST', json: body }),
    onMutate: () => {
      setApplied(null);
      setAskReplace(null);
    },
    onSuccess: (res) => {
      if ('job' in res) setJob(res.job);
      else {
        setJob(null);
        setApplied(res);
        void qc.invalidateQueries({ queryKey: orgKeys.briefs });
        toasts.push('success', `Storyboard drafted: ${res.scenes} scene${res.scenes === 1 ? '' : 's'}.`);
      }
    },
    onError: (err, body) => {
      if (isReplaceConflict(err)) setAskReplace(body.mode);
    },
  });
  const llmOffered = llm.availability.state === 'available';
  const running = !!job && (job.status === 'queued' || job.status === 'running');
  const start = (mode: 'auto' | 'template', replace = false) => {
    if (!replace && !props.scriptBlank) setAskReplace(mode);
    else draft.mutate({ mode, replace });
  };
  return (
    <section className="card draft-panel" aria-labelledby="brief-draft-title">
      <h2 id="brief-draft-title">Draft the storyboard</h2>
      <p className="muted small">
        {llmOffered
          ? 'A worker offers an LLM provider: the draft is written by the LLM from this brief and the campaign’s brand kit, then checked for every must-say line and no banned word.'
          : 'No LLM provider is configured on this deployment: the draft comes from the template, made of the brief’s own words (every must-say line is spoken).'}
      </p>
      {brief.lastDraft && (
        <p className="small" data-testid="last-draft">
          Last draft: {draftSourceText(brief.lastDraft, llmOffered)}
        </p>
      )}
      {canDraft ? (
        <div className="row wrap">
          <button type="button" disabled={draft.isPending || running} onClick={() => start('auto')}>
            {draft.isPending ? 'Drafting…' : 'Draft storyboard'}
          </button>
          {llmOffered && (
            <button
              type="button"
              className="ghost"
              disabled={draft.isPending || running}
              onClick={() => start('template')}
            >
              Draft from the template instead
            </button>
          )}
        </div>
      ) : (
        <p className="muted small">Owners and editors draft the storyboard.</p>
      )}
      {askReplace && (
        <div className="warning-box" role="alertdialog" aria-labelledby="replace-title">
          <p id="replace-title">
            <strong>The script is not empty.</strong> A draft replaces it. The script as it is now is saved as
            a version first: restore that version (Script tab, Versions) to undo.
          </p>
          <div className="row">
            <button type="button" onClick={() => start(askReplace, true)}>
              Replace the script
            </button>
            <button type="button" className="ghost" onClick={() => setAskReplace(null)}>
              Keep the script
            </button>
          </div>
        </div>
      )}
      {draft.error && !isReplaceConflict(draft.error) && (
        <p className="error small" role="alert">
          {draft.error instanceof ApiError ? draft.error.message : 'Could not draft the storyboard.'}
        </p>
      )}
      {applied && (
        <div className="draft-result" role="status" data-source="template">
          <p>
            <span className="badge draft-template">
              {draftSourceText({ source: 'template', provider: null }, llmOffered)}
            </span>{' '}
            {applied.scenes} scene{applied.scenes === 1 ? '' : 's'} written into the script and the storyboard
            {applied.backupVersionId ? '; the script before is saved as a version.' : '.'}
          </p>
          <OpenDraft projectId={brief.projectId} />
        </div>
      )}
      {job && (
        <LiveJob
          key={job.id}
          job={job}
          label="Draft"
          onFinished={(j) => {
            setJob(j);
            void qc.invalidateQueries({ queryKey: orgKeys.briefs });
            if (j.status === 'failed')
              toasts.push('error', `The draft failed: ${j.error ?? 'unknown error'}`);
          }}
        >
          {(j) =>
            j.status === 'completed' ? (
              <div className="draft-result" role="status" data-source="llm">
                <p>
                  <span className="badge">LLM draft</span> The draft is in the script and the storyboard.
                </p>
                <OpenDraft projectId={brief.projectId} />
              </div>
            ) : null
          }
        </LiveJob>
      )}
    </section>
  );
}
