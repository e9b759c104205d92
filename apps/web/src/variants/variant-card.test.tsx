// @vitest-environment happy-dom
import type { Variant } from '@clapboard/shared/campaigns';
import type { Role } from '@clapboard/shared/roles';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ToastProvider } from '../lib/toasts';
import { localApiForFile } from '../test/local-api';
import { VariantCard } from './variant-card';

const server = localApiForFile('t-variants');
const ID = '00000000-0000-4000-8000-0000000000b1';
const variant = (over: Partial<Variant> = {}): Variant => ({
  id: ID,
  projectId: '00000000-0000-4000-8000-0000000000a1',
  jobId: '00000000-0000-4000-8000-0000000000c1',
  key: 'vertical-15',
  label: '9:16 · 15 s',
  aspectRatio: '9:16',
  durationSec: 15,
  status: 'ready',
  videoAssetId: null,
  posterAssetId: null,
  brandKitId: null,
  brandKitRevision: 2,
  stale: false,
  costUsd: 0.01,
  approval: null,
  urls: { video: 'http://127.0.0.1:1/v.mp4', poster: null, expiresAt: '2030-01-01T00:00:00.000Z' },
  createdAt: '2030-01-01T00:00:00.000Z',
  ...over,
});

/** Waits until the card's requests have their answers (none is left in flight at teardown). */
let settled = async () => {};

function show(role: Role, v: Variant = variant()) {
  server.on(`GET /api/v1/variants/${ID}/comments`, () => ({ status: 200, json: { items: [] } }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  settled = () => waitFor(() => expect(qc.isFetching() + qc.isMutating()).toBe(0));
  return render(
    <QueryClientProvider client={qc}>
      <ToastProvider>
        <ul>
          <VariantCard variant={v} role={role} />
        </ul>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

afterEach(async () => {
  await settled();
  cleanup();
});

describe('VariantCard: controls by role', () => {
  it('lets a client guest approve, and their comments are always visible to the client', async () => {
    show('guest');
    server.on(`POST /api/v1/variants/${ID}/approval`, () => ({
      status: 200,
      json: variant({
        approval: {
          status: 'approved',
          note: null,
          by: { id: null, name: 'Gina' },
          role: 'guest',
          at: '2030-01-01T00:00:00.000Z',
          stale: false,
        },
      }),
    }));
    fireEvent.click(screen.getByRole('button', { name: 'Approve 9:16 · 15 s' }));
    await waitFor(() => expect(server.received.some((r) => r.path.endsWith('/approval'))).toBe(true));
    const decided = server.received.find((r) => r.path.endsWith('/approval'))!;
    expect(JSON.parse(decided.body)).toEqual({ status: 'approved' });

    expect(screen.queryByLabelText('Visible to client')).toBeNull();
    server.on(`POST /api/v1/variants/${ID}/comments`, (r) => ({
      status: 201,
      json: {
        id: '00000000-0000-4000-8000-0000000000d1',
        variantId: ID,
        body: JSON.parse(r.body).body,
        atSec: null,
        clientVisible: true,
        author: { id: null, name: 'Gina', role: 'guest' },
        createdAt: '2030-01-01T00:00:00.000Z',
      },
    }));
    fireEvent.change(screen.getByLabelText('Comment on 9:16 · 15 s'), { target: { value: 'Lovely' } });
    fireEvent.click(screen.getByRole('button', { name: 'Comment' }));
    await waitFor(() =>
      expect(server.received.some((r) => r.method === 'POST' && r.path.endsWith('/comments'))).toBe(true),
    );
    const sent = server.received.find((r) => r.method === 'POST' && r.path.endsWith('/comments'))!;
    expect(JSON.parse(sent.body)).toMatchObject({ body: 'Lovely', clientVisible: true });
  });

  it('gives an editor comments (internal unless ticked) but no decision', async () => {
    show('editor', variant({ stale: true }));
    expect(screen.queryByRole('button', { name: /^Approve/ })).toBeNull();
    expect(screen.getByText('Brand kit changed since this render')).toBeTruthy();
    const visible = screen.getByLabelText('Visible to client') as HTMLInputElement;
    expect(visible.checked).toBe(false);
  });

  it('gives a viewer neither a decision nor a comment box', () => {
    show('viewer');
    expect(screen.queryByRole('button', { name: /^Approve/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Comment' })).toBeNull();
    expect(screen.getByText('Waiting for a decision')).toBeTruthy();
  });
});
