const PALETTE = ['#f5c518', '#4cd47e', '#58a6ff', '#ff7b72', '#d2a8ff', '#ffa657', '#39c5cf', '#f778ba'];

/** A stable colour per user id, so each collaborator keeps theirs across sessions and tabs. */
export function userColor(userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

/** Up to two initials for an avatar. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')).toUpperCase();
}
