import type { ChangeEvent } from 'react';
import { describe, expect, it } from 'vitest';
import { takePickedFiles } from './picked-files';

/** An input whose `files` empties when its value is cleared, as a browser's does. */
function pickedEvent(files: File[]) {
  const target = { files: files as unknown as FileList | null, value: 'C:\\fakepath\\x' };
  const input = {
    get files() {
      return target.files;
    },
    get value() {
      return target.value;
    },
    set value(v: string) {
      target.value = v;
      target.files = [] as unknown as FileList;
    },
  };
  return { e: { target: input } as unknown as ChangeEvent<HTMLInputElement>, input };
}

describe('takePickedFiles', () => {
  it('returns the picked files and clears the input, so the same file can be picked again', () => {
    const a = new File(['a'], 'a.png', { type: 'image/png' });
    const b = new File(['b'], 'b.png', { type: 'image/png' });
    const { e, input } = pickedEvent([a, b]);
    expect(takePickedFiles(e)).toEqual([a, b]);
    expect(input.value).toBe('');
  });

  it('returns nothing when the input has no files', () => {
    const { e } = pickedEvent([]);
    expect(takePickedFiles(e)).toEqual([]);
  });
});
