import type { ChangeEvent } from 'react';

/**
 * The files a file input was just given, copied out before the input is cleared: cleared, picking
 * the same file again (after a refused upload, say) fires a change again.
 */
export function takePickedFiles(e: ChangeEvent<HTMLInputElement>): File[] {
  const files = Array.from(e.target.files ?? []);
  e.target.value = '';
  return files;
}
