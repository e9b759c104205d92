import {
  type BrandCard,
  type BrandKit,
  type BrandKitStyle,
  brandFontSchema,
  brandKitSchema,
  MAX_FONT_BYTES,
  MAX_LOGO_BYTES,
  MUSIC_MOODS,
  updateBrandKitBodySchema,
} from '@clapboard/shared/campaigns';
import { leafChanges } from '@clapboard/shared/field-merge';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { EditConflicts } from '../components/edit-conflicts';
import { VoiceSelect, voiceHint } from '../components/voice-select';
import { api, errorText } from '../lib/api-client';
import { fieldErrorsOf } from '../lib/field-errors';
import { formatBytes, formatTime } from '../lib/format';
import { takePickedFiles } from '../lib/picked-files';
import { useToasts } from '../lib/toasts';
import { useCoEditing } from '../lib/use-co-editing';
import { useVoices } from '../lib/use-voices';
import {
  captionPreviewStyle,
  type KitForm,
  kitFormOf,
  settingLabel,
  settingValueText,
  styleOf,
} from './brand-kit-form';
import { KitLogo } from './brand-kit-list';
import { linesOf, wordsOf } from './text-lists';
import { orgKeys } from './use-org';

/** The caption preview is a 16:9 frame this tall, so the caption's share of the height is true to size. */
const CAPTION_PREVIEW_HEIGHT_PX = 270;
const PLACEMENTS = ['none', 'top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;
const PALETTE_LABELS: Record<keyof BrandKitStyle['palette'], string> = {
  primary: 'Primary colour',
  secondary: 'Secondary colour',
  accent: 'Accent colour',
  background: 'Background colour',
  text: 'Text colour',
};

/** The logo: a preview of the stored one, a file picker (SVG or PNG) that uploads at once, remove. */
function LogoField({
  kit,
  canWrite,
  onKit,
}: {
  kit: BrandKit;
  canWrite: boolean;
  onKit: (k: BrandKit) => void;
}) {
  const upload = useMutation({
    mutationFn: (file: File) => {
      if (file.size > MAX_LOGO_BYTES)
        throw new Error(`The logo is ${formatBytes(file.size)}; at most ${formatBytes(MAX_LOGO_BYTES)}.`);
      return api(`/brand-kits/${kit.id}/logo`, brandKitSchema, {
        method: 'PUT',
        body: file,
        headers: {
          'content-type': file.type || (file.name.endsWith('.svg') ? 'image/svg+xml' : 'image/png'),
        },
      });
    },
    onSuccess: onKit,
  });
  const remove = useMutation({
    mutationFn: () => api(`/brand-kits/${kit.id}/logo`, brandKitSchema, { method: 'DELETE' }),
    onSuccess: onKit,
  });
  const error = upload.error ?? remove.error;
  return (
    <fieldset className="card inset kit-logo-field">
      <legend>Logo</legend>
      <div className="row wrap">
        <div className="logo-preview" data-has-logo={!!kit.logo}>
          {kit.logo ? (
            <KitLogo kit={kit} className="logo-large" />
          ) : (
            <span className="muted small">No logo</span>
          )}
        </div>
        <div className="small">
          {kit.logo && (
            <p className="muted">
              {kit.logo.format.toUpperCase()} · {kit.logo.width}×{kit.logo.height} ·{' '}
              {formatBytes(kit.logo.bytes)}
            </p>
          )}
          {canWrite && (
            <>
              <label htmlFor="kit-logo-file">
                {kit.logo ? 'Replace logo (SVG or PNG)' : 'Upload logo (SVG or PNG)'}
                <input
                  id="kit-logo-file"
                  type="file"
                  accept="image/svg+xml,image/png,.svg,.png"
                  disabled={upload.isPending}
                  onChange={(e) => {
                    const [file] = takePickedFiles(e);
                    if (file) upload.mutate(file);
                  }}
                />
              </label>
              {kit.logo && (
                <button
                  type="button"
                  className="ghost small"
                  onClick={() => remove.mutate()}
                  disabled={remove.isPending}
                >
                  Remove logo
                </button>
              )}
            </>
          )}
          {upload.isPending && <p className="muted">Uploading…</p>}
          {error && (
            <p className="error" role="alert">
              {errorText(error, error.message)}
            </p>
          )}
        </div>
      </div>
    </fieldset>
  );
}

/** The kit's fonts (family, style, format, size), added by uploading a TTF, OTF or WOFF2 file. */
function FontsField({
  kit,
  canWrite,
  onKit,
}: {
  kit: BrandKit;
  canWrite: boolean;
  onKit: (k: BrandKit) => void;
}) {
  const qc = useQueryClient();
  const add = useMutation({
    mutationFn: (file: File) => {
      if (file.size > MAX_FONT_BYTES)
        throw new Error(`The font is ${formatBytes(file.size)}; at most ${formatBytes(MAX_FONT_BYTES)}.`);
      return api(`/brand-kits/${kit.id}/fonts`, brandFontSchema, {
        method: 'POST',
        body: file,
        headers: { 'content-type': 'application/octet-stream' },
      });
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: orgKeys.brandKit(kit.id) }),
  });
  const remove = useMutation({
    mutationFn: (fontId: string) =>
      api(`/brand-kits/${kit.id}/fonts/${fontId}`, brandKitSchema, { method: 'DELETE' }),
    onSuccess: onKit,
  });
  const error = add.error ?? remove.error;
  return (
    <fieldset className="card inset">
      <legend>Fonts</legend>
      {kit.fonts.length === 0 && <p className="muted small">No fonts: renders use the default sans.</p>}
      <ul className="plain font-list">
        {kit.fonts.map((f) => (
          <li key={f.id} className="row spread">
            <span>
              <strong>{f.family}</strong> {f.style}{' '}
              <span className="muted small">
                {f.format.toUpperCase()} · {formatBytes(f.bytes)}
              </span>
            </span>
            {canWrite && (
              <button
                type="button"
                className="ghost small"
                onClick={() => remove.mutate(f.id)}
                disabled={remove.isPending}
                aria-label={`Remove font ${f.family} ${f.style}`}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {canWrite && (
        <label htmlFor="kit-font-file" className="small">
          Add a font (TTF, OTF or WOFF2)
          <input
            id="kit-font-file"
            type="file"
            accept=".ttf,.otf,.woff2,font/ttf,font/otf,font/woff2"
            disabled={add.isPending}
            onChange={(e) => {
              const [file] = takePickedFiles(e);
              if (file) add.mutate(file);
            }}
          />
        </label>
      )}
      {add.isPending && <p className="muted small">Uploading…</p>}
      {error && (
        <p className="error small" role="alert">
          {errorText(error, error.message)}
        </p>
      )}
    </fieldset>
  );
}

/** An intro or outro card: on/off, its line and how long it holds. */
function CardField(props: {
  legend: string;
  card: BrandCard;
  placeholder: string;
  onChange: (c: BrandCard) => void;
  disabled: boolean;
}) {
  const id = useId();
  const { card } = props;
  return (
    <fieldset className="card inset form-grid" disabled={props.disabled}>
      <legend>{props.legend}</legend>
      <label className="inline wide">
        <input
          type="checkbox"
          checked={card.enabled}
          onChange={(e) => props.onChange({ ...card, enabled: e.target.checked })}
        />{' '}
        Show the {props.legend.toLowerCase()}
      </label>
      <label htmlFor={`${id}-text`}>
        {props.legend} text
        <input
          id={`${id}-text`}
          value={card.text}
          maxLength={120}
          placeholder={props.placeholder}
          onChange={(e) => props.onChange({ ...card, text: e.target.value })}
        />
      </label>
      <label htmlFor={`${id}-sec`}>
        {props.legend} seconds
        <input
          id={`${id}-sec`}
          type="number"
          min={0.5}
          max={5}
          step={0.5}
          value={card.durationSec}
          onChange={(e) => props.onChange({ ...card, durationSec: Number(e.target.value) })}
        />
      </label>
    </fieldset>
  );
}

/**
 * A brand kit's editor: palette, logo, fonts, caption style (with a preview), intro and outro cards,
 * lower third, logo placement, default voice, music mood and writing rules. Files upload at once;
 * the style saves as one change (only the settings changed here, so the revision rises once).
 * Read-only for roles without `brandkits:write`.
 *
 * Colleagues edit one kit at once: a save sends the settings changed here with the values they had
 * when read (`base`), so different settings merge and the API refuses one someone else changed
 * meanwhile. A newer kit (a refetch, an upload, a refused save's answer) moves the form onto it:
 * their changes fill the settings not touched here; one both changed keeps this person's value and
 * shows theirs, with a button to take it.
 */
export function BrandKitEditor({ kit, canWrite }: { kit: BrandKit; canWrite: boolean }) {
  const qc = useQueryClient();
  const toasts = useToasts();
  const voices = useVoices();
  const [name, setName] = useState(kit.name);
  const [style, setStyle] = useState<BrandKitStyle>(() => styleOf(kit));
  const [mustSay, setMustSay] = useState(kit.writing.mustSay.join('\n'));
  const [banned, setBanned] = useState(kit.writing.bannedWords.join('\n'));
  const onKit = (k: BrandKit) => {
    qc.setQueryData(orgKeys.brandKit(k.id), k);
    void qc.invalidateQueries({ queryKey: orgKeys.brandKits(k.clientId) });
  };
  const set = <K extends keyof BrandKitStyle>(key: K, value: BrandKitStyle[K]) =>
    setStyle((s) => ({ ...s, [key]: value }));
  const next: BrandKitStyle = {
    ...style,
    writing: { ...style.writing, mustSay: linesOf(mustSay), bannedWords: wordsOf(banned) },
  };
  const mine: KitForm = { ...next, name: name.trim() };
  /** Puts `form` in the fields (list texts only where their lists changed, so typing is kept). */
  const fill = (form: KitForm) => {
    const { name: n, ...st } = form;
    setStyle(st);
    if (n !== name.trim()) setName(n);
    if (JSON.stringify(st.writing.mustSay) !== JSON.stringify(linesOf(mustSay)))
      setMustSay(st.writing.mustSay.join('\n'));
    if (JSON.stringify(st.writing.bannedWords) !== JSON.stringify(wordsOf(banned)))
      setBanned(st.writing.bannedWords.join('\n'));
  };
  // The kit as last read (what a save is compared with), merged with colleagues' saves and uploads.
  const { base, rebase, conflicts, takeTheirs, onSaveError, isRefusal } = useCoEditing({
    schema: brandKitSchema,
    noun: 'kit',
    record: kit,
    formOf: kitFormOf,
    mine,
    fill,
  });
  const changes = leafChanges(kitFormOf(base ?? kit), mine);
  const parsed = updateBrandKitBodySchema.safeParse(changes.patch);
  const errors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
  const dirty = Object.keys(changes.patch).length > 0;
  const save = useMutation({
    mutationFn: () =>
      api(`/brand-kits/${kit.id}`, brandKitSchema, {
        method: 'PATCH',
        json: { ...changes.patch, base: changes.base },
      }),
    onSuccess: (k) => {
      rebase(k, true);
      onKit(k);
      toasts.push('success', `Brand kit saved (revision ${k.revision}).`);
    },
    onError: onSaveError,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (parsed.success && dirty) save.mutate();
  };
  const refused = isRefusal(save.error);
  const conflictPaths = Object.keys(conflicts);
  const fontOptions = kit.fonts.map((f) => (
    <option key={f.id} value={f.id}>
      {f.family} {f.style}
    </option>
  ));
  const cap = style.captionStyle;
  const lt = style.lowerThird;
  const hint = voiceHint(voices);
  return (
    <div className="kit-editor">
      <p className="muted small" data-testid="kit-revision">
        Revision <strong>{kit.revision}</strong> · updated {formatTime(kit.updatedAt)}. Variants rendered with
        an older revision show as stale.
      </p>
      <div className="kit-files">
        <LogoField kit={kit} canWrite={canWrite} onKit={onKit} />
        <FontsField kit={kit} canWrite={canWrite} onKit={onKit} />
      </div>
      <EditConflicts
        record="kit"
        unit="setting"
        testId="kit-conflicts"
        items={conflictPaths.map((path) => ({
          key: path,
          label: settingLabel(path),
          theirs: settingValueText(conflicts[path]),
        }))}
        onTake={takeTheirs}
      />
      <form onSubmit={submit} className="kit-style" aria-label="Brand kit style">
        <fieldset disabled={!canWrite} className="form-grid contents">
          <label htmlFor="kit-name" className="wide">
            Name
            <input id="kit-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
            {errors.name && <span className="error small">{errors.name}</span>}
          </label>
        </fieldset>
        <fieldset className="card inset form-grid" disabled={!canWrite}>
          <legend>Palette</legend>
          {(Object.keys(PALETTE_LABELS) as Array<keyof BrandKitStyle['palette']>).map((k) => (
            <label key={k} htmlFor={`kit-palette-${k}`} className="colour">
              {PALETTE_LABELS[k]}
              <input
                id={`kit-palette-${k}`}
                type="color"
                value={style.palette[k]}
                onChange={(e) => set('palette', { ...style.palette, [k]: e.target.value })}
              />
            </label>
          ))}
        </fieldset>
        <fieldset className="card inset form-grid" disabled={!canWrite}>
          <legend>Captions</legend>
          <div
            className="caption-preview wide"
            style={{ background: style.palette.background, height: CAPTION_PREVIEW_HEIGHT_PX }}
            aria-label="Caption preview"
            role="img"
          >
            <span style={captionPreviewStyle(cap, CAPTION_PREVIEW_HEIGHT_PX)}>Now in every café</span>
          </div>
          <label htmlFor="kit-caption-font">
            Caption font
            <select
              id="kit-caption-font"
              value={cap.fontId ?? ''}
              onChange={(e) => set('captionStyle', { ...cap, fontId: e.target.value || null })}
            >
              <option value="">Default sans</option>
              {fontOptions}
            </select>
          </label>
          <label htmlFor="kit-caption-size">
            Caption size (% of frame height)
            <input
              id="kit-caption-size"
              type="number"
              min={2}
              max={12}
              step={0.5}
              value={Math.round(cap.size * 1000) / 10}
              onChange={(e) => set('captionStyle', { ...cap, size: Number(e.target.value) / 100 })}
            />
          </label>
          <label htmlFor="kit-caption-colour" className="colour">
            Caption colour
            <input
              id="kit-caption-colour"
              type="color"
              value={cap.color}
              onChange={(e) => set('captionStyle', { ...cap, color: e.target.value })}
            />
          </label>
          <label htmlFor="kit-caption-bg" className="colour">
            Caption box colour
            <input
              id="kit-caption-bg"
              type="color"
              value={cap.background}
              onChange={(e) => set('captionStyle', { ...cap, background: e.target.value })}
            />
          </label>
          <label htmlFor="kit-caption-opacity">
            Caption box opacity ({Math.round(cap.backgroundOpacity * 100)} %)
            <input
              id="kit-caption-opacity"
              type="range"
              min={0}
              max={1}
              step={0.05}
              value={cap.backgroundOpacity}
              onChange={(e) => set('captionStyle', { ...cap, backgroundOpacity: Number(e.target.value) })}
            />
          </label>
          <label htmlFor="kit-caption-position">
            Caption position
            <select
              id="kit-caption-position"
              value={cap.position}
              onChange={(e) =>
                set('captionStyle', { ...cap, position: e.target.value as typeof cap.position })
              }
            >
              <option value="bottom">Bottom</option>
              <option value="middle">Middle</option>
              <option value="top">Top</option>
            </select>
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={cap.uppercase}
              onChange={(e) => set('captionStyle', { ...cap, uppercase: e.target.checked })}
            />{' '}
            Uppercase captions
          </label>
          {errors.captionStyle && <p className="error small wide">Captions: {errors.captionStyle}</p>}
        </fieldset>
        <fieldset className="card inset form-grid" disabled={!canWrite}>
          <legend>Titles and logo</legend>
          <label htmlFor="kit-heading-font">
            Heading font (cards, lower third)
            <select
              id="kit-heading-font"
              value={style.headingFontId ?? ''}
              onChange={(e) => set('headingFontId', e.target.value || null)}
            >
              <option value="">Default sans</option>
              {fontOptions}
            </select>
          </label>
          <label htmlFor="kit-logo-placement">
            Logo placement
            <select
              id="kit-logo-placement"
              value={style.logoPlacement}
              onChange={(e) => set('logoPlacement', e.target.value as BrandKitStyle['logoPlacement'])}
            >
              {PLACEMENTS.map((p) => (
                <option key={p} value={p}>
                  {p === 'none' ? 'No logo on videos' : p.replace('-', ' ')}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
        <div className="kit-cards">
          <CardField
            legend="Intro card"
            card={style.introCard}
            placeholder="The campaign's name"
            disabled={!canWrite}
            onChange={(c) => set('introCard', c)}
          />
          <CardField
            legend="Outro card"
            card={style.outroCard}
            placeholder="The brief's call to action"
            disabled={!canWrite}
            onChange={(c) => set('outroCard', c)}
          />
        </div>
        {(errors.introCard || errors.outroCard) && (
          <p className="error small">Cards: {errors.introCard ?? errors.outroCard}</p>
        )}
        <fieldset className="card inset form-grid" disabled={!canWrite}>
          <legend>Lower third</legend>
          <label className="inline wide">
            <input
              type="checkbox"
              checked={lt.enabled}
              onChange={(e) => set('lowerThird', { ...lt, enabled: e.target.checked })}
            />{' '}
            Show a lower third in the first scene
          </label>
          <label htmlFor="kit-lt-title">
            Lower third title
            <input
              id="kit-lt-title"
              value={lt.title}
              maxLength={80}
              onChange={(e) => set('lowerThird', { ...lt, title: e.target.value })}
            />
          </label>
          <label htmlFor="kit-lt-subtitle">
            Lower third subtitle
            <input
              id="kit-lt-subtitle"
              value={lt.subtitle}
              maxLength={120}
              onChange={(e) => set('lowerThird', { ...lt, subtitle: e.target.value })}
            />
          </label>
          <label htmlFor="kit-lt-start">
            Starts at (s)
            <input
              id="kit-lt-start"
              type="number"
              min={0}
              max={30}
              step={0.5}
              value={lt.startSec}
              onChange={(e) => set('lowerThird', { ...lt, startSec: Number(e.target.value) })}
            />
          </label>
          <label htmlFor="kit-lt-duration">
            Stays for (s)
            <input
              id="kit-lt-duration"
              type="number"
              min={1}
              max={10}
              step={0.5}
              value={lt.durationSec}
              onChange={(e) => set('lowerThird', { ...lt, durationSec: Number(e.target.value) })}
            />
          </label>
          {errors.lowerThird && <p className="error small wide">Lower third: {errors.lowerThird}</p>}
        </fieldset>
        <fieldset className="card inset form-grid" disabled={!canWrite}>
          <legend>Sound</legend>
          <label htmlFor="kit-voice">
            Default voice
            <VoiceSelect
              id="kit-voice"
              value={style.defaultVoice ?? ''}
              voices={voices}
              automaticLabel="Automatic"
              disabled={!canWrite}
              describedBy={hint ? 'kit-voice-hint' : undefined}
              onChange={(v) => set('defaultVoice', v || null)}
            />
            {hint && (
              <span id="kit-voice-hint" className="muted small">
                {hint}
              </span>
            )}
          </label>
          <label htmlFor="kit-music">
            Music mood
            <select
              id="kit-music"
              value={style.musicMood}
              onChange={(e) => set('musicMood', e.target.value as BrandKitStyle['musicMood'])}
            >
              {MUSIC_MOODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
        </fieldset>
        <fieldset className="card inset form-grid" disabled={!canWrite}>
          <legend>Writing</legend>
          <label htmlFor="kit-writing-voice" className="wide">
            Writing voice
            <textarea
              id="kit-writing-voice"
              rows={2}
              maxLength={500}
              value={style.writing.voice}
              placeholder="Warm, plain words, short sentences."
              onChange={(e) => set('writing', { ...style.writing, voice: e.target.value })}
            />
          </label>
          <label htmlFor="kit-must-say">
            Must-say lines (one per line)
            <textarea
              id="kit-must-say"
              rows={3}
              value={mustSay}
              onChange={(e) => setMustSay(e.target.value)}
            />
          </label>
          <label htmlFor="kit-banned">
            Banned words (one per line or comma-separated)
            <textarea id="kit-banned" rows={3} value={banned} onChange={(e) => setBanned(e.target.value)} />
          </label>
          {errors.writing && (
            <p className="error small wide" role="alert">
              Writing: {errors.writing}
            </p>
          )}
        </fieldset>
        {canWrite && (
          <div className="row">
            <button type="submit" disabled={!dirty || !parsed.success || save.isPending}>
              {save.isPending ? 'Saving…' : 'Save brand kit'}
            </button>
            {!dirty && <span className="muted small">No unsaved changes.</span>}
            {save.error && !refused && (
              <span className="error small" role="alert">
                {errorText(save.error, 'Could not save the kit.')}
              </span>
            )}
          </div>
        )}
      </form>
    </div>
  );
}
