/**
 * `$0.0123`: budgets are small sums of worker-seconds, so show cents and fractions of them. A sum
 * too small for four decimals reads `<$0.0001`, not `$0.0000`: it was not free.
 */
export function formatUsd(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n > 0 && Number(n.toFixed(4)) === 0) return '<$0.0001';
  return `$${n < 1 ? n.toFixed(4) : n.toFixed(2)}`;
}

/** `1:05` from seconds; `—` when unknown. */
export function formatDuration(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '—';
  const s = Math.max(0, Math.round(sec));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** `1.2 MB` from bytes. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** `12 Nov, 14:03` in the reader's locale. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
}
