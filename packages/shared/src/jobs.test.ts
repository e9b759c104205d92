import { describe, expect, it } from 'vitest';
import { isIanaTimeZone } from './campaigns';
import { isFinalRender, JOB_CATALOG, JOB_TYPES, jobPayloadSchemas } from './jobs';

describe('final renders', () => {
  it('every type whose payload has a `final` field is flagged finalRender in the catalog, and only those', () => {
    for (const type of JOB_TYPES) {
      const shape = (jobPayloadSchemas[type] as unknown as { shape?: Record<string, unknown> }).shape ?? {};
      expect({ type, finalRender: JOB_CATALOG[type].finalRender === true }).toEqual({
        type,
        finalRender: 'final' in shape,
      });
    }
  });

  it('a flagged type with final: true is a final render; a draft, another type or an unknown one is not', () => {
    expect(isFinalRender('render.video', { final: true })).toBe(true);
    expect(isFinalRender('render.video', { final: false })).toBe(false);
    expect(isFinalRender('render.video', {})).toBe(false);
    expect(isFinalRender('scene.frame', { final: true })).toBe(false);
    expect(isFinalRender('no.such.type', { final: true })).toBe(false);
    expect(isFinalRender('render.video', null)).toBe(false);
  });
});

describe('isIanaTimeZone', () => {
  it('takes zone names and refuses offsets, abbreviations Intl does not know, and junk', () => {
    for (const ok of ['UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'Asia/Kolkata'])
      expect({ ok, valid: isIanaTimeZone(ok) }).toEqual({ ok, valid: true });
    for (const bad of [
      '+01:00',
      '-05:00',
      'Mars/Olympus',
      'Europe/',
      '',
      'Europe/Paris; drop table',
      '../etc',
    ])
      expect({ bad, valid: isIanaTimeZone(bad) }).toEqual({ bad, valid: false });
  });
});
