import { type Brief, type BriefFields, briefSchema, PLATFORMS, TONES } from '@clapboard/shared/campaigns';
import { leafChanges } from '@clapboard/shared/field-merge';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { EditConflicts } from '../components/edit-conflicts';
import { ApiError, api } from '../lib/api-client';
import { useToasts } from '../lib/toasts';
import { useCoEditing } from '../lib/use-co-editing';
import { type BriefForm, briefFormOf, parseBriefForm } from './brief-form';
import { orgKeys } from './use-org';

const PLATFORM_LABELS: Record<(typeof PLATFORMS)[number], string> = {
  tiktok: 'TikTok',
  'instagram-reels': 'Instagram Reels',
  'instagram-feed': 'Instagram feed',
  youtube: 'YouTube',
  'youtube-shorts': 'YouTube Shorts',
  linkedin: 'LinkedIn',
  facebook: 'Facebook',
};

type TextField = Exclude<keyof BriefForm, 'tone' | 'platforms'>;
const TEXT_FIELDS: Array<{ key: TextField; label: string; hint?: string; rows?: number; max?: number }> = [
  { key: 'title', label: 'Title', max: 200 },
  { key: 'product', label: 'Product', rows: 2, max: 500 },
  { key: 'audience', label: 'Audience', rows: 2, max: 500 },
  { key: 'keyMessage', label: 'Key message', rows: 2, max: 500 },
  {
    key: 'mustSay',
    label: 'Must-say lines',
    hint: 'One per line, spoken word for word (at most 10).',
    rows: 3,
  },
  {
    key: 'bannedWords',
    label: 'Banned words',
    hint: 'Words or phrases the draft may never use, separated by commas.',
    rows: 2,
  },
  { key: 'durations', label: 'Lengths (seconds)', hint: 'Drafts aim at the first, e.g. "15, 30".' },
  { key: 'callToAction', label: 'Call to action', max: 200 },
];

const FIELD_LABELS: Record<keyof BriefForm, string> = {
  ...(Object.fromEntries(TEXT_FIELDS.map((f) => [f.key, f.label])) as Record<TextField, string>),
  tone: 'Tone',
  platforms: 'Platforms',
};

/** A colleague's value of a field, as the conflict notice shows it. */
function theirText(key: keyof BriefForm, value: BriefForm[keyof BriefForm]): string {
  if (key === 'platforms') {
    const list = value as BriefForm['platforms'];
    return list.length ? list.map((p) => PLATFORM_LABELS[p]).join(', ') : 'none';
  }
  const text = String(value).replace(/\s+/g, ' ').trim();
  return text ? `“${text.length > 80 ? `${text.slice(0, 79)}…` : text}”` : 'empty';
}

/**
 * Every field of a brief, checked with the shared brief schema as it is typed (shown after the
 * first save attempt) and by the API on save. Creates the project's brief, or changes it.
 *
 * Colleagues edit the same brief: a save sends only the fields changed here, with the values they
 * had when read (`base`), so edits of different fields merge and the API refuses a field someone
 * else changed meanwhile. A newer brief (a refused save's answer, or a refetch) moves the form onto
 * it: their changes fill the fields not touched here, and a field both changed keeps this
 * person's value and shows theirs, with a button to take it.
 */
export function BriefEditor(props: {
  projectId: string;
  brief: Brief | null;
  canWrite: boolean;
  onSaved: (b: Brief) => void;
}) {
  const qc = useQueryClient();
  const toasts = useToasts();
  const { brief } = props;
  const [form, setForm] = useState<BriefForm>(() => briefFormOf(brief));
  // The brief as last read (what a save is compared with), merged with colleagues' saves.
  const { base, rebase, conflicts, takeTheirs, onSaveError, isRefusal } = useCoEditing({
    schema: briefSchema,
    noun: 'brief',
    record: brief,
    formOf: briefFormOf,
    mine: form,
    fill: setForm,
  });
  const [tried, setTried] = useState(false);
  const parsed = parseBriefForm(form, base?.referenceAssetIds);
  const errors = tried && !parsed.ok ? parsed.errors : {};

  const save = useMutation({
    mutationFn: (fields: object) =>
      brief
        ? api(`/briefs/${brief.id}`, briefSchema, { method: 'PATCH', json: fields })
        : api('/briefs', briefSchema, { method: 'POST', json: { ...fields, projectId: props.projectId } }),
    onSuccess: (b) => {
      void qc.invalidateQueries({ queryKey: orgKeys.briefs });
      toasts.push('success', brief ? 'Brief saved.' : 'Brief created.');
      if (brief) rebase(b, true);
      props.onSaved(b);
    },
    onError: onSaveError,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!parsed.ok) return;
    if (!base) return save.mutate(parsed.fields);
    const changes = leafChanges<BriefFields>(base, parsed.fields);
    if (Object.keys(changes.patch).length === 0)
      return toasts.push('info', 'Nothing to save: no field changed.');
    save.mutate({ ...changes.patch, base: changes.base });
  };
  const set = <K extends keyof BriefForm>(key: K, value: BriefForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const refused = isRefusal(save.error);
  const notInCampaign = !brief && save.error instanceof ApiError && save.error.status === 409;
  const conflictKeys = Object.keys(conflicts) as Array<keyof BriefForm>;
  return (
    <form className="card brief-form" onSubmit={submit} noValidate aria-labelledby="brief-form-title">
      <h2 id="brief-form-title">{brief ? 'Brief' : 'New brief'}</h2>
      <EditConflicts
        record="brief"
        unit="field"
        testId="brief-conflicts"
        items={conflictKeys.map((k) => ({
          key: k,
          label: FIELD_LABELS[k],
          theirs: theirText(k, conflicts[k] as BriefForm[typeof k]),
        }))}
        onTake={takeTheirs}
      />
      <fieldset className="form-grid" disabled={!props.canWrite}>
        {TEXT_FIELDS.map(({ key, label, hint, rows, max }) => {
          const id = `brief-${key}`;
          const described = [hint ? `${id}-hint` : '', errors[key] ? `${id}-error` : '']
            .filter(Boolean)
            .join(' ');
          const common = {
            id,
            value: form[key],
            maxLength: max,
            onChange: (e: { target: { value: string } }) => set(key, e.target.value),
            'aria-invalid': !!errors[key],
            'aria-describedby': described || undefined,
          };
          return (
            <label key={key} htmlFor={id} className={rows || key === 'title' ? 'wide' : undefined}>
              {label}
              {rows ? <textarea rows={rows} {...common} /> : <input {...common} />}
              {hint && (
                <span id={`${id}-hint`} className="muted small">
                  {hint}
                </span>
              )}
              {errors[key] && (
                <span id={`${id}-error`} className="error small">
                  {errors[key]}
                </span>
              )}
            </label>
          );
        })}
        <label htmlFor="brief-tone">
          Tone
          <select
            id="brief-tone"
            value={form.tone}
            onChange={(e) => set('tone', e.target.value as BriefForm['tone'])}
          >
            {TONES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <fieldset className="wide platforms">
          <legend>Platforms</legend>
          <div className="row wrap">
            {PLATFORMS.map((p) => (
              <label key={p} className="inline">
                <input
                  type="checkbox"
                  checked={form.platforms.includes(p)}
                  onChange={(e) =>
                    set(
                      'platforms',
                      e.target.checked ? [...form.platforms, p] : form.platforms.filter((x) => x !== p),
                    )
                  }
                />{' '}
                {PLATFORM_LABELS[p]}
              </label>
            ))}
          </div>
        </fieldset>
      </fieldset>
      {props.canWrite && (
        <div className="row">
          <button type="submit" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : brief ? 'Save brief' : 'Create brief'}
          </button>
          {tried && !parsed.ok && <span className="error small">Some fields need a change (see above).</span>}
        </div>
      )}
      {save.error && !refused && (
        <p className="error small" role="alert">
          {notInCampaign
            ? 'This project is not in a campaign: add it to one from the campaign’s Projects page first (a brief belongs to a campaign).'
            : save.error instanceof ApiError
              ? save.error.message
              : 'Could not save the brief.'}
        </p>
      )}
    </form>
  );
}
