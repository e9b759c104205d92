/** One line of a line diff: kept, added (only in the new text) or removed (only in the old). */
export interface LineChange {
  op: 'equal' | 'add' | 'remove';
  text: string;
}

/**
 * Line diff of two texts by longest common subsequence (common prefix and suffix are trimmed first,
 * so typical edits cost little). The table is O(n·m) in the differing middle; above `maxCells` the
 * middle is reported as a plain remove-all/add-all rather than spending seconds on a huge script.
 */
export function diffLines(before: string, after: string, maxCells = 4_000_000): LineChange[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: LineChange[] = a.slice(0, start).map((text) => ({ op: 'equal', text }));
  const tail: LineChange[] = a.slice(endA).map((text) => ({ op: 'equal', text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  if (n * m > maxCells) {
    return [
      ...head,
      ...midA.map((text): LineChange => ({ op: 'remove', text })),
      ...midB.map((text): LineChange => ({ op: 'add', text })),
      ...tail,
    ];
  }
  // lcs[i][j] = LCS length of midA[i..] and midB[j..], flattened row-major.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        midA[i] === midB[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const middle: LineChange[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (midA[i] === midB[j]) {
      middle.push({ op: 'equal', text: midA[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      middle.push({ op: 'remove', text: midA[i++]! });
    } else {
      middle.push({ op: 'add', text: midB[j++]! });
    }
  }
  while (i < n) middle.push({ op: 'remove', text: midA[i++]! });
  while (j < m) middle.push({ op: 'add', text: midB[j++]! });
  return [...head, ...middle, ...tail];
}
