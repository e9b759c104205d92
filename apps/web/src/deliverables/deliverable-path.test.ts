import { deliverableQuerySchema } from '@clapboard/shared/script-deliverables';
import { describe, expect, it } from 'vitest';
import { deliverablePath } from './deliverable-path';

describe('deliverablePath', () => {
  const id = '3f0c6c1e-8a53-4a35-9d53-7f0e8f7c2b11';
  it('pins the version and sends perPage only for storyboards when it differs from the default', () => {
    const q = deliverableQuerySchema.parse({ version: 'current' });
    expect(deliverablePath(id, 'fountain', q)).toBe(`/projects/${id}/export.fountain?version=current`);
    expect(deliverablePath(id, 'storyboard.pdf', { ...q, perPage: 6 })).toBe(
      `/projects/${id}/storyboard.pdf?version=current&perPage=6`,
    );
    expect(deliverablePath(id, 'fdx', { ...q, perPage: 6 })).toBe(
      `/projects/${id}/export.fdx?version=current`,
    );
  });
  it('builds a query the server schema accepts', () => {
    const path = deliverablePath(id, 'handover.zip', { version: id, perPage: 2 });
    const params = Object.fromEntries(new URL(path, 'http://x').searchParams);
    expect(deliverableQuerySchema.parse(params)).toEqual({ version: id, perPage: 2 });
  });
});
