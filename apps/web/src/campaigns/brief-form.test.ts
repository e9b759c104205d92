import { leafChanges, rebaseLeaves } from '@clapboard/shared/field-merge';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../lib/api-client';
import { briefFormOf, draftSourceText, isReplaceConflict, parseBriefForm } from './brief-form';

const filled = () => ({
  ...briefFormOf(),
  title: 'Spring launch',
  product: 'Oat milk',
  audience: 'Busy parents',
  keyMessage: 'Creamy without the cow',
  mustSay: 'Now in every café\n\n  Try it today  ',
  bannedWords: 'cheap, free',
  durations: '15, 30',
});

describe('parseBriefForm', () => {
  it('turns the typed lists into the brief fields', () => {
    const r = parseBriefForm(filled());
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.fields).toMatchObject({
        mustSay: ['Now in every café', 'Try it today'],
        bannedWords: ['cheap', 'free'],
        durations: [15, 30],
        tone: 'friendly',
        callToAction: '',
        referenceAssetIds: [],
      });
  });
  it('says what each field needs, in words', () => {
    const r = parseBriefForm({ ...filled(), title: ' ', durations: '3, x', mustSay: 'a\n'.repeat(11) });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors).toEqual({
        title: 'Required.',
        durations: 'Give lengths in whole seconds from 5 to 180, separated by commas.',
        mustSay: 'At most 10 lines.',
      });
  });
  it('says why a must-say line would not be spoken', () => {
    const r = parseBriefForm({ ...filled(), mustSay: 'Now in every café\n(Try it today)' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.mustSay).toMatch(/wholly in parentheses is read as a direction, not spoken/);
  });
  it('needs at least one length', () => {
    const r = parseBriefForm({ ...filled(), durations: '' });
    expect(!r.ok && r.errors.durations).toBe(
      'Give lengths in whole seconds from 5 to 180, separated by commas.',
    );
  });
  it('round-trips a brief through the form', () => {
    const r = parseBriefForm(filled());
    if (!r.ok) throw new Error('invalid');
    expect(parseBriefForm(briefFormOf(r.fields))).toEqual(r);
  });
});

describe('drafts', () => {
  it('labels a template draft as made without an LLM provider', () => {
    expect(draftSourceText({ source: 'template', provider: null })).toBe(
      'Template draft — no LLM provider configured',
    );
    expect(draftSourceText({ source: 'template', provider: null }, true)).toBe(
      'Template draft (chosen over the LLM)',
    );
    expect(draftSourceText({ source: 'llm', provider: 'ollama' })).toBe('Drafted by the LLM (ollama)');
  });
  it('knows the 409 that asks for replace from the others', () => {
    expect(isReplaceConflict(new ApiError(409, 'conflict', 'not empty', { field: 'replace' }))).toBe(true);
    expect(isReplaceConflict(new ApiError(409, 'conflict', 'left the campaign', {}))).toBe(false);
    expect(isReplaceConflict(new Error('x'))).toBe(false);
  });
});

describe('two people editing one brief', () => {
  const read = () => {
    const r = parseBriefForm(filled());
    if (!r.ok) throw new Error('the filled form is valid');
    return r.fields;
  };

  it('a save sends only the fields changed since the brief was read, with the values they had', () => {
    const base = read();
    const form = { ...briefFormOf(base), tone: 'bold' as const, bannedWords: 'cheap' };
    const r = parseBriefForm(form);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(leafChanges(base, r.fields)).toEqual({
      patch: { bannedWords: ['cheap'], tone: 'bold' },
      base: { bannedWords: ['cheap', 'free'], tone: 'friendly' },
    });
    expect(leafChanges(base, base)).toEqual({ patch: {}, base: {} });
  });

  it('a newer brief fills the fields not touched here, keeps the ones changed here, and names those both changed', () => {
    const base = read();
    const mine = { ...briefFormOf(base), title: 'Mine', tone: 'bold' as const, callToAction: 'Same' };
    const theirs = { ...base, tone: 'warm' as const, product: 'Oat milk, barista', callToAction: 'Same' };
    const r = rebaseLeaves(mine, briefFormOf(base), briefFormOf(theirs));
    expect(r.merged).toMatchObject({
      title: 'Mine', // only mine changed
      product: 'Oat milk, barista', // only theirs changed
      tone: 'bold', // both changed: mine kept…
      callToAction: 'Same', // both changed to the same: no conflict
    });
    expect(r.conflicts).toEqual({ tone: 'warm' }); // …and theirs offered
    // Nothing changed on either side: the form is the brief.
    expect(rebaseLeaves(briefFormOf(base), briefFormOf(base), briefFormOf(base))).toEqual({
      merged: briefFormOf(base),
      conflicts: {},
    });
  });
});
