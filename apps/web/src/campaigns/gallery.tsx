import {
  GALLERY_KINDS,
  type GalleryItem,
  galleryPageSchema,
  PLATFORM_PRESETS,
  PRESET_IDS,
} from '@clapboard/shared/campaigns';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api } from '../lib/api-client';
import { formatBytes, formatTime, formatUsd } from '../lib/format';
import { queryString } from '../lib/query-string';
import { useToasts } from '../lib/toasts';
import { downloadExport } from '../review/download-export';
import { allChosen, type Selection, selectAll, toggle } from './gallery-selection';
import { orgKeys } from './use-org';

type Approval = '' | 'approved' | 'changes_requested' | 'pending';
const APPROVAL_LABELS: Record<Exclude<Approval, ''>, string> = {
  approved: 'Approved',
  changes_requested: 'Changes requested',
  pending: 'Waiting for a decision',
};

/** One output: its thumbnail (or a tile naming its kind), what and where it is, and a checkbox. */
function GalleryCard(props: { item: GalleryItem; chosen: boolean; onToggle: () => void }) {
  const { item } = props;
  return (
    <li className="card gallery-item" data-kind={item.kind} data-chosen={props.chosen}>
      <label className="inline gallery-pick">
        <input
          type="checkbox"
          checked={props.chosen}
          onChange={props.onToggle}
          aria-label={`Select ${item.name}`}
        />
        {item.thumbnailUrl ? (
          <img src={item.thumbnailUrl} alt="" className="gallery-thumb" loading="lazy" />
        ) : item.kind === 'render' || item.kind === 'variant' ? (
          // No poster (a render whose job delivered none): the video's own first frame.
          <video
            className="gallery-thumb"
            src={`${item.downloadUrl}#t=0.5`}
            preload="metadata"
            muted
            playsInline
            aria-hidden="true"
            tabIndex={-1}
          />
        ) : (
          <span className="gallery-thumb placeholder">{item.kind}</span>
        )}
      </label>
      <strong className="ellipsis" title={item.name}>
        {item.variant ? item.variant.label : item.name}
      </strong>
      <span className="muted small">
        {item.projectName} · {item.campaignName}
      </span>
      <span className="small">
        <span className="badge">{item.kind}</span>
        {item.approval && (
          <span className={`badge decision-${item.approval}`}> {APPROVAL_LABELS[item.approval]}</span>
        )}{' '}
        <span className="muted">
          {formatBytes(item.bytes)}
          {item.costUsd !== null ? ` · ${formatUsd(item.costUsd)}` : ''} · {formatTime(item.createdAt)}
        </span>
      </span>
      <a href={item.downloadUrl} download={item.name} className="small">
        Download
      </a>
    </li>
  );
}

/**
 * Every output of a client's (or one campaign's) projects: frames, renders, variants and audio,
 * newest first, with thumbnails. Filters by kind, decision and variant preset; chosen outputs
 * download as one zip (the client's bulk download, at most 200 files).
 *
 * @param campaignId narrows the gallery to one campaign of the client
 */
export function Gallery({ clientId, campaignId }: { clientId: string; campaignId?: string }) {
  const toasts = useToasts();
  const [kind, setKind] = useState('');
  const [approval, setApproval] = useState<Approval>('');
  const [variant, setVariant] = useState('');
  const [chosen, setChosen] = useState<Selection>([]);
  const [downloading, setDownloading] = useState(false);
  const base = campaignId ? `/campaigns/${campaignId}/gallery` : `/clients/${clientId}/gallery`;
  const gallery = useInfiniteQuery({
    queryKey: [...orgKeys.gallery, base, kind, approval, variant],
    queryFn: ({ pageParam }) =>
      api(
        `${base}${queryString({ kind, approval, variant, limit: 48, cursor: pageParam })}`,
        galleryPageSchema,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = gallery.data?.pages.flatMap((p) => p.items) ?? [];
  const shown = items.map((i) => i.assetId);
  const download = async () => {
    setDownloading(true);
    try {
      await downloadExport(`/clients/${clientId}/gallery/download`, 'gallery.zip', { assetIds: chosen });
    } catch (err) {
      toasts.push('error', err instanceof ApiError ? err.message : 'The download failed.');
    } finally {
      setDownloading(false);
    }
  };
  return (
    <section className="gallery" aria-label="Gallery">
      <div className="row wrap filters">
        <label htmlFor="gallery-kind">
          Kind
          <select id="gallery-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">All</option>
            {GALLERY_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label htmlFor="gallery-approval">
          Decision
          <select
            id="gallery-approval"
            value={approval}
            onChange={(e) => setApproval(e.target.value as Approval)}
          >
            <option value="">Any</option>
            {(Object.keys(APPROVAL_LABELS) as Array<keyof typeof APPROVAL_LABELS>).map((a) => (
              <option key={a} value={a}>
                {APPROVAL_LABELS[a]}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor="gallery-variant">
          Variant
          <select id="gallery-variant" value={variant} onChange={(e) => setVariant(e.target.value)}>
            <option value="">Any</option>
            {PRESET_IDS.map((p) => (
              <option key={p} value={p}>
                {PLATFORM_PRESETS[p].label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row wrap toolbar">
        <label className="inline">
          <input
            type="checkbox"
            checked={allChosen(chosen, shown)}
            disabled={shown.length === 0}
            onChange={(e) => {
              if (!e.target.checked) return setChosen(chosen.filter((id) => !shown.includes(id)));
              const r = selectAll(chosen, shown);
              setChosen(r.selection);
              if (r.capped)
                toasts.push('warning', 'A download holds at most 200 files: the first 200 are chosen.');
            }}
          />{' '}
          Select all shown
        </label>
        <button type="button" disabled={chosen.length === 0 || downloading} onClick={() => void download()}>
          {downloading ? 'Preparing the zip…' : `Download selected (${chosen.length})`}
        </button>
        {chosen.length > 0 && (
          <button type="button" className="ghost small" onClick={() => setChosen([])}>
            Clear selection
          </button>
        )}
      </div>
      {gallery.isPending && <p className="muted">Loading the gallery…</p>}
      {gallery.error && (
        <p className="error" role="alert">
          {gallery.error.message}
        </p>
      )}
      {gallery.data && items.length === 0 && (
        <p className="muted">
          Nothing here yet: frames, renders and variants of the projects show up as they are made.
        </p>
      )}
      <ul className="gallery-grid">
        {items.map((item) => (
          <GalleryCard
            key={item.assetId}
            item={item}
            chosen={chosen.includes(item.assetId)}
            onToggle={() => setChosen((c) => toggle(c, item.assetId))}
          />
        ))}
      </ul>
      {gallery.hasNextPage && (
        <button type="button" className="ghost" onClick={() => void gallery.fetchNextPage()}>
          {gallery.isFetchingNextPage ? 'Loading…' : 'Show more'}
        </button>
      )}
    </section>
  );
}
