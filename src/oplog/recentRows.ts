// The rows of the small data files this handle wrote, by path, so that merging them (see
// compaction.ts) re-encodes rows already in memory instead of reading and decoding each
// file again: a decode costs a few ms per file in parquet-wasm and Arrow whatever its size,
// and a busy partition merges every file it gets. Data files are immutable and their
// names unique, so an entry never goes stale; a miss falls back to decoding the file.
import { LRUCache } from 'lru-cache';
import type { OpRecord } from './records/index.js';

/** Rough bytes of memory a row holds beyond its fixed fields. */
function rowBytes(r: OpRecord): number {
  return 400 + (r.content?.length ?? 0) + (r.chunks?.length ?? 0) * 120 + (r.xattrs?.length ?? 0) + (r.target?.length ?? 0);
}

export class RecentRows {
  private readonly cache: LRUCache<string, { rows: readonly OpRecord[]; bytes: number }>;

  constructor(maxBytes: number) {
    this.cache = new LRUCache<string, { rows: readonly OpRecord[]; bytes: number }>({
      maxSize: maxBytes,
      // One big file would push out the small ones merges need most.
      maxEntrySize: Math.max(1, maxBytes / 4),
      sizeCalculation: (e) => Math.max(1, e.bytes),
    });
  }

  /**
   * Remembers the rows of a committed data file, in file order. The caller hands them over:
   * they must not change afterwards (a merge encodes them as they are). `bytes`, when the
   * caller knows it (a merge: the sum of its inputs), saves walking every row again.
   */
  remember(path: string, rows: readonly OpRecord[], bytes?: number): void {
    this.cache.set(path, { rows, bytes: bytes ?? RecentRows.bytesOf(rows) });
  }

  get(path: string): { rows: readonly OpRecord[]; bytes: number } | undefined {
    return this.cache.get(path);
  }

  static bytesOf(rows: readonly OpRecord[]): number {
    let n = 0;
    for (const r of rows) n += rowBytes(r);
    return n;
  }

  forget(path: string): void {
    this.cache.delete(path);
  }
}
