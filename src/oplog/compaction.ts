import type { AddFile } from './delta/index.js';

// Which data files of a partition an append merges on the side. Every commit adds one
// file to each partition it touches, and reading a directory decodes each of its files
// (a few ms apiece in a fresh process: parquet-wasm and Arrow have a fixed cost per
// file), so a directory changed in 100 commits listed 5x slower than after a compaction.

/** A partition holding this many files gets its small files merged by the next append to it. */
export const AUTO_COMPACT_FILES = 8;

/**
 * An append an fsync waits for merges a partition's files only once it holds this many
 * times AUTO_COMPACT_FILES: below that, the merge waits for the next commit nobody waits
 * for (the timer's, unmount's) or the idle writer's upkeep. A merge decodes and re-encodes
 * up to MERGE_MAX_BYTES, many times the few KiB an fsync's own commit writes, so sqlite,
 * which commits three times per transaction in one directory, spent about half its commit
 * CPU merging. The bound still holds during an fsync storm, at this factor's cost to a cold
 * listing of that directory until the writer idles.
 */
export const URGENT_COMPACT_FACTOR = 4;

/**
 * No merge writes a file bigger than about this. Decoding a data file grows parquet-wasm's
 * memory (which never shrinks) by ~7x the file's size: a merged 3.5 MiB file cost 25 MiB
 * for good. A partition past this size is read as several files of up to 1 MiB, whose
 * fixed per-file cost is small beside their rows.
 */
export const MERGE_MAX_BYTES = 1024 * 1024;

/**
 * Whether a file of `size` bytes is one a merge may take: under a quarter of MERGE_MAX_BYTES.
 * Bigger files cost a decode mostly for their rows, not per file: they gain little from a
 * merge, and rewriting them is what costs the writer memory.
 */
export function mergeable(size: number): boolean {
  return size < MERGE_MAX_BYTES / 4;
}

/**
 * The files to rewrite as one: of the mergeable() ones, the smallest
 * first, each taken only while it is at most as large as the bytes already taken. A big
 * file is not rewritten for a few small ones, and a file that is rewritten at least
 * doubles, so each row is rewritten O(log n) times over a partition's life and the count
 * of small files stays near `AUTO_COMPACT_FILES + log2(n)`; bigger files are left alone.
 * Fewer than two files: nothing to do (empty result).
 */
export function pickMerge(files: readonly AddFile[]): AddFile[] {
  const sorted = files.filter((f) => mergeable(f.size)).sort((a, b) => a.size - b.size);
  const picked: AddFile[] = [];
  let bytes = 0;
  for (const f of sorted) {
    if (picked.length >= 2 && f.size > bytes) break;
    if (bytes + f.size > MERGE_MAX_BYTES) break;
    picked.push(f);
    bytes += f.size;
  }
  return picked.length >= 2 ? picked : [];
}
