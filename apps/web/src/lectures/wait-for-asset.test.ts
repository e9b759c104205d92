import { EventEmitter } from 'node:events';
import type { ResumableUpload } from '@clapboard/shared/api';
import { describe, expect, it } from 'vitest';
import { waitForAsset } from './wait-for-asset';

const projectId = '0b6f3d1e-5a3c-4c59-9d55-0a0e7f1f5a11';
const uploadId = '7d1c0a7e-2b7e-4c1a-8f0e-3a9d2b6c4e10';
const otherUpload = '1a2b3c4d-2b7e-4c1a-8f0e-3a9d2b6c4e10';
const assetId = '5e6f7a8b-2b7e-4c1a-8f0e-3a9d2b6c4e10';

const record = (status: ResumableUpload['status'], asset: string | null = null): ResumableUpload => ({
  id: uploadId,
  projectId,
  filename: 'lecture.mp4',
  length: 10,
  offset: 10,
  status,
  kind: 'video',
  assetId: asset,
  expiresAt: '2026-12-06T10:00:00.000Z',
  createdAt: '2026-12-05T10:00:00.000Z',
});
const settled = (id: string, status: 'completed' | 'open' | 'deleted', asset: string | null) => ({
  projectId,
  type: 'upload:settled',
  payload: { uploadId: id, status, assetId: asset },
  at: '2026-12-05T10:00:00.000Z',
});

/** A fake socket and an API whose answers the test hands out, counting the reads. */
function setup(answers: ResumableUpload[]) {
  const socket = new EventEmitter();
  let reads = 0;
  const fetchUpload = async () => {
    const answer = answers[Math.min(reads, answers.length - 1)]!;
    reads++;
    return answer;
  };
  return { socket, fetchUpload, reads: () => reads };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('waitForAsset', () => {
  it('resolves when its upload:settled arrives, asking the API once and never polling', async () => {
    const s = setup([record('assembling')]);
    const warn = console.warn;
    console.warn = () => {};
    const asset = waitForAsset(uploadId, { socket: s.socket, fetchUpload: s.fetchUpload });
    await tick();
    s.socket.emit('upload:settled', settled(otherUpload, 'completed', assetId)); // someone else's
    s.socket.emit('upload:settled', { ...settled(uploadId, 'completed', assetId), payload: null }); // malformed
    await tick();
    let resolved = false;
    void asset.then(() => {
      resolved = true;
    });
    await tick();
    expect(resolved).toBe(false);
    s.socket.emit('upload:settled', settled(uploadId, 'completed', assetId));
    await expect(asset).resolves.toBe(assetId);
    console.warn = warn;
    expect(s.reads()).toBe(1);
    expect(s.socket.listenerCount('upload:settled')).toBe(0);
    expect(s.socket.listenerCount('connect')).toBe(0);
  });

  it('resolves at once when the upload is already an asset (the event came before it listened)', async () => {
    const s = setup([record('completed', assetId)]);
    await expect(waitForAsset(uploadId, { socket: s.socket, fetchUpload: s.fetchUpload })).resolves.toBe(
      assetId,
    );
  });

  it('asks again on a reconnect, since an event sent while disconnected is not replayed', async () => {
    const s = setup([record('assembling'), record('completed', assetId)]);
    const asset = waitForAsset(uploadId, { socket: s.socket, fetchUpload: s.fetchUpload });
    await tick();
    s.socket.emit('connect');
    await expect(asset).resolves.toBe(assetId);
    expect(s.reads()).toBe(2);
  });

  it('rejects when assembling failed or the file was refused', async () => {
    for (const status of ['open', 'deleted'] as const) {
      const s = setup([record('assembling')]);
      const asset = waitForAsset(uploadId, { socket: s.socket, fetchUpload: s.fetchUpload });
      await tick();
      s.socket.emit('upload:settled', settled(uploadId, status, null));
      await expect(asset).rejects.toThrow(/did not become an asset/);
    }
  });

  it('gives up after its deadline with a message that says where to look', async () => {
    const s = setup([record('assembling')]);
    await expect(
      waitForAsset(uploadId, { socket: s.socket, fetchUpload: s.fetchUpload, timeoutMs: 30 }),
    ).rejects.toThrow(/Assets tab/);
    expect(s.socket.listenerCount('upload:settled')).toBe(0);
  });
});
