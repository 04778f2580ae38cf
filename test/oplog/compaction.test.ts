import { describe, expect, it } from 'vitest';
import { MERGE_MAX_BYTES, pickMerge } from '../../src/oplog/compaction.js';
import type { AddFile } from '../../src/oplog/index.js';

const file = (size: number, i: number): AddFile => ({ path: `f${i}`, partitionValues: {}, size, modificationTime: 0, dataChange: true });
const sizes = (files: AddFile[]): number[] => files.map((f) => f.size);

describe('pickMerge', () => {
  it('merges the small files, smallest first, and leaves a big one for later', () => {
    expect(sizes(pickMerge([100, 5, 7, 6, 9].map(file)))).toEqual([5, 6, 7, 9]);
    // A bigger file joins once the smaller ones add up to its size (5+6+7+9 = 27).
    expect(sizes(pickMerge([27, 5, 7, 6, 9].map(file)))).toEqual([5, 6, 7, 9, 27]);
    expect(sizes(pickMerge([28, 5, 7, 6, 9].map(file)))).toEqual([5, 6, 7, 9]);
  });

  it('never writes past MERGE_MAX_BYTES and never touches files of a quarter of it', () => {
    const q = MERGE_MAX_BYTES / 4;
    expect(pickMerge([q, q + 1, 2 * q].map(file))).toEqual([]);
    const picked = pickMerge(Array.from({ length: 20 }, (_, i) => file(q - 1, i)));
    expect(picked).toHaveLength(4);
  });

  it('needs two files', () => {
    expect(pickMerge([file(10, 0)])).toEqual([]);
    expect(pickMerge([])).toEqual([]);
  });
});
