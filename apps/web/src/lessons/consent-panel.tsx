import { type Consent, type ConsentKind, consentSchema } from '@clapboard/shared/lessons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { ApiError, api } from '../lib/api-client';
import { formatTime } from '../lib/format';
import { useCan, useProject } from '../lib/project-context';
import { useAsset } from '../lib/use-asset';
import { AssetUpload } from './asset-upload';
import { consentStatus } from './lesson-readiness';
import { consentsKey, useConsents } from './use-consents';

const WHAT: Record<ConsentKind, 'portrait' | 'voice sample'> = {
  portrait: 'portrait',
  voice: 'voice sample',
};

/** A link to an uploaded statement (signed URL). */
function StatementLink({ assetId }: { assetId: string }) {
  const asset = useAsset(assetId);
  if (!asset.data) return <span className="muted">uploaded statement</span>;
  return (
    <a href={asset.data.urls.content} target="_blank" rel="noreferrer">
      {asset.data.originalName ?? 'uploaded statement'}
    </a>
  );
}

/** A recorded consent: who, what, when, the statement, and revoke (owners, editors). */
function ConsentCard({ consent, problem }: { consent: Consent; problem: string | null }) {
  const { projectId } = useProject();
  const qc = useQueryClient();
  const canRevoke = useCan('consents:write');
  const revoke = useMutation({
    mutationFn: () => api(`/consents/${consent.id}`, consentSchema, { method: 'DELETE' }),
    onSettled: () => void qc.invalidateQueries({ queryKey: consentsKey(projectId) }),
  });
  return (
    <div
      className={`consent-card${consent.revokedAt ? ' revoked' : ''}`}
      data-consent-id={consent.id}
      data-revoked={consent.revokedAt ? 'true' : 'false'}
    >
      <dl className="kv small">
        <dt>Consent of</dt>
        <dd>{consent.subjectName}</dd>
        <dt>Scope</dt>
        <dd>{consent.scope}</dd>
        <dt>Statement</dt>
        <dd>
          {consent.statementText ? (
            <q className="consent-statement">{consent.statementText}</q>
          ) : consent.statementAssetId ? (
            <StatementLink assetId={consent.statementAssetId} />
          ) : null}
        </dd>
        <dt>Recorded</dt>
        <dd>{formatTime(consent.recordedAt)}</dd>
        {consent.revokedAt && (
          <>
            <dt>Revoked</dt>
            <dd className="error">{formatTime(consent.revokedAt)}</dd>
          </>
        )}
      </dl>
      {problem && (
        <p className="error small" role="status">
          {problem}
        </p>
      )}
      {canRevoke && !consent.revokedAt && (
        <button
          type="button"
          className="ghost small"
          onClick={() => revoke.mutate()}
          disabled={revoke.isPending}
        >
          Revoke consent
        </button>
      )}
      {revoke.error && (
        <p className="error small" role="alert">
          {revoke.error instanceof ApiError ? revoke.error.message : 'Could not revoke the consent.'}
        </p>
      )}
    </div>
  );
}

/** Records a consent for `assetId`: subject, scope, and the statement typed or uploaded. */
function ConsentForm(props: { kind: ConsentKind; assetId: string; onRecorded: (c: Consent) => void }) {
  const { projectId } = useProject();
  const qc = useQueryClient();
  const id = useId();
  const [subjectName, setSubject] = useState('');
  const [scope, setScope] = useState('');
  const [mode, setMode] = useState<'typed' | 'uploaded'>('typed');
  const [statementText, setStatementText] = useState('');
  const [statementAssetId, setStatementAssetId] = useState<string | null>(null);
  const record = useMutation({
    mutationFn: () =>
      api(`/projects/${projectId}/consents`, consentSchema, {
        method: 'POST',
        json: {
          kind: props.kind,
          assetId: props.assetId,
          subjectName,
          scope,
          ...(mode === 'typed' ? { statementText } : { statementAssetId }),
        },
      }),
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: consentsKey(projectId) });
      props.onRecorded(c);
    },
  });
  const complete =
    subjectName.trim() && scope.trim() && (mode === 'typed' ? statementText.trim() : statementAssetId);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (complete) record.mutate();
  };
  return (
    <form className="consent-form" onSubmit={submit} aria-label={`Consent for the ${WHAT[props.kind]}`}>
      <label htmlFor={`${id}-subject`}>
        Name of the person who consents
        <input
          id={`${id}-subject`}
          value={subjectName}
          maxLength={200}
          onChange={(e) => setSubject(e.target.value)}
        />
      </label>
      <label htmlFor={`${id}-scope`}>
        What they consent to (scope)
        <input
          id={`${id}-scope`}
          value={scope}
          maxLength={1000}
          placeholder="e.g. internal safety training videos, 2027"
          onChange={(e) => setScope(e.target.value)}
        />
      </label>
      <fieldset className="row small">
        <legend>Statement</legend>
        <label className="inline">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={mode === 'typed'}
            onChange={() => setMode('typed')}
          />{' '}
          Typed
        </label>
        <label className="inline">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={mode === 'uploaded'}
            onChange={() => setMode('uploaded')}
          />{' '}
          Uploaded document
        </label>
      </fieldset>
      {mode === 'typed' ? (
        <label htmlFor={`${id}-statement`}>
          Consent statement
          <textarea
            id={`${id}-statement`}
            rows={3}
            maxLength={10_000}
            value={statementText}
            placeholder="I agree that my likeness is used for…"
            onChange={(e) => setStatementText(e.target.value)}
          />
        </label>
      ) : (
        <div>
          <AssetUpload
            projectId={projectId}
            label="Signed consent document"
            buttonText={
              statementAssetId ? 'Replace the signed statement' : 'Upload the signed statement (PDF or photo)'
            }
            accept="application/pdf,image/png,image/jpeg,image/webp"
            kinds={['document', 'image']}
            wrongKind="a statement is a PDF or a photo of the signed page."
            onUploaded={(a) => setStatementAssetId(a.id)}
          />
          {statementAssetId && <StatementLink assetId={statementAssetId} />}
        </div>
      )}
      <button type="submit" disabled={!complete || record.isPending}>
        Record consent
      </button>
      {record.error && (
        <p className="error small" role="alert">
          {record.error instanceof ApiError ? record.error.message : 'Could not record the consent.'}
        </p>
      )}
    </form>
  );
}

/**
 * The consent for a portrait or a voice sample: the record the lesson names (with revoke), or the
 * form to record one. A live consent another lesson recorded for the same asset can be reused.
 * Without `consents:write` it is read-only.
 */
export function ConsentPanel(props: {
  kind: ConsentKind;
  assetId: string;
  consentId: string | null;
  onChoose: (consentId: string) => void;
  canEdit: boolean;
}) {
  const { projectId, socket } = useProject();
  const consents = useConsents(projectId, socket, [props.consentId]);
  const canRecord = useCan('consents:write') && props.canEdit;
  const what = WHAT[props.kind];
  const { consent, problem } = consentStatus(consents.data, props.consentId, props.assetId, what);
  const reusable = consents.data?.find(
    (c) => c.assetId === props.assetId && c.kind === props.kind && !c.revokedAt && c.id !== props.consentId,
  );
  const usable = consent && !problem;
  if (consents.isPending) return <p className="muted small">Loading consents…</p>;
  return (
    <section className="consent" aria-label={`Consent for the ${what}`}>
      <h3>Consent</h3>
      {consent && consent.assetId === props.assetId && <ConsentCard consent={consent} problem={problem} />}
      {!usable && reusable && canRecord && (
        <p className="small">
          {reusable.subjectName}'s consent for this {what} is on record ({formatTime(reusable.recordedAt)}).{' '}
          <button type="button" className="ghost small" onClick={() => props.onChoose(reusable.id)}>
            Use it
          </button>
        </p>
      )}
      {!usable && canRecord && (
        <ConsentForm kind={props.kind} assetId={props.assetId} onRecorded={(c) => props.onChoose(c.id)} />
      )}
      {!usable && !canRecord && (
        <p className="muted small">{problem ?? `No consent is recorded for this ${what}.`}</p>
      )}
    </section>
  );
}
