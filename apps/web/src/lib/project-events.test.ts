import { EventEmitter } from 'node:events';
import { PROJECT_EVENT_TYPES, type ProjectEvent } from '@clapboard/shared/events';
import { describe, expect, it } from 'vitest';
import { listenToProjectEvents, staleQueries } from './project-events';

const projectId = '0b6f3d1e-5a3c-4c59-9d55-0a0e7f1f5a11';
const approval = {
  projectId,
  type: 'approval:changed',
  payload: { sceneId: 's1', approvalId: '7d1c0a7e-2b7e-4c1a-8f0e-3a9d2b6c4e10', reason: 'stale' },
  at: '2026-12-05T10:00:00.000Z',
} as const;

function source() {
  const emitter = new EventEmitter();
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args);
  return { emitter, warnings, restore: () => (console.warn = warn) };
}

describe('listenToProjectEvents', () => {
  it('delivers a well-formed event, typed by its tag', () => {
    const { emitter, restore } = source();
    const got: ProjectEvent[] = [];
    const stop = listenToProjectEvents(emitter, (e) => got.push(e));
    emitter.emit('approval:changed', approval);
    restore();
    expect(got).toEqual([approval]);
    const [first] = got;
    if (first?.type === 'approval:changed') expect(first.payload.reason).toBe('stale');
    stop();
    emitter.emit('approval:changed', approval);
    expect(got).toHaveLength(1); // stopped listening
  });

  it('drops a malformed payload, an unknown reason and an event sent under another name', () => {
    const { emitter, warnings, restore } = source();
    const got: ProjectEvent[] = [];
    listenToProjectEvents(emitter, (e) => got.push(e));
    emitter.emit('approval:changed', { ...approval, payload: { sceneId: 's1' } });
    emitter.emit('approval:changed', { ...approval, payload: { ...approval.payload, reason: 'maybe' } });
    emitter.emit('comment:created', approval); // a valid approval arriving as a comment event
    emitter.emit('approval:changed', { ...approval, projectId: 'not-a-uuid' });
    restore();
    expect(got).toEqual([]);
    expect(warnings).toHaveLength(4);
  });

  it('listens to every project event type and nothing else', () => {
    const { emitter, restore } = source();
    listenToProjectEvents(emitter, () => {});
    restore();
    expect(emitter.eventNames().sort()).toEqual([...PROJECT_EVENT_TYPES].sort());
  });
});

describe('staleQueries', () => {
  it('names, for every event type, the queries of that project it changes', () => {
    for (const type of PROJECT_EVENT_TYPES) {
      const keys = staleQueries({ ...approval, type } as unknown as ProjectEvent);
      // A drawing in progress is shown from the event itself and never cached.
      if (type === 'drawing:live') {
        expect(keys).toEqual([]);
        continue;
      }
      expect(keys.length, type).toBeGreaterThan(0);
      for (const key of keys) expect(key[1], type).toBe(projectId);
    }
    expect(staleQueries(approval)).toEqual([['review', projectId]]);
    const variantId = '5b1f8a0e-2f7c-4d0a-9a8e-3c1d2e4f5a6b';
    expect(
      staleQueries({
        ...approval,
        type: 'variant:changed',
        payload: { variantId, reason: 'decided' },
      } as unknown as ProjectEvent),
    ).toEqual([
      ['variants', projectId, 'list'],
      ['variants', projectId, variantId],
    ]);
  });
});
