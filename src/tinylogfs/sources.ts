import { PondError } from '../errors.js';
import { type ChunkRef, type RecordSource, sha256Hex } from '../oplog/index.js';
import { type ContentSource, FileContent } from '../tinyfs/index.js';
import type { ContentCache } from './ContentCache.js';

// Committed content, read lazily. Each source also describes itself, so a flush of a file
// whose content did not change re-uses the committed description instead of re-reading.

export interface ContentLoader {
  /** Inline bytes of a stored row (verified by the caller). */
  inline(source: RecordSource): Promise<Uint8Array>;
  /** One chunk, verified against its hash by the store. */
  chunk(ref: ChunkRef): Promise<Uint8Array>;
}


/** Content small enough to sit in the record itself. */
export class InlineContent implements ContentSource {
  /** Bytes not yet committed: held until the commit that records them has landed. */
  private pinned: Uint8Array | undefined;

  constructor(
    readonly size: number,
    readonly sha256: string,
    private readonly cache: ContentCache,
    /** How to fetch the bytes when the cache lost them. */
    private fetch: (() => Promise<Uint8Array>) | undefined,
    pinned?: Uint8Array,
    /** For error messages: which file and version this is. */
    private readonly what = '',
  ) {
    this.pinned = pinned;
    if (pinned) cache.set(sha256, pinned);
  }

  /** The commit landed: the bytes can now be fetched from the table, so stop pinning them. */
  unpin(fetch: () => Promise<Uint8Array>): void {
    this.fetch = fetch;
    this.pinned = undefined;
  }

  bytes(): Promise<Uint8Array> {
    if (this.pinned) return Promise.resolve(this.pinned);
    return this.cache.get(this.sha256, async () => {
      if (!this.fetch) throw new PondError('EIO', `inline content ${this.sha256} cannot be fetched`);
      const bytes = await this.fetch();
      if (bytes.length !== this.size || sha256Hex(bytes) !== this.sha256) {
        throw new PondError('EIO', `content of ${this.what || this.sha256} fails its SHA-256 check`, { op: 'read' });
      }
      return bytes;
    });
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const b = await this.bytes();
    return b.subarray(offset, Math.min(b.length, offset + length));
  }
}

/** How far ahead sequential reads fetch chunks, so disk latency overlaps. */
const READ_AHEAD_BYTES = 2 * 1024 * 1024;

/** Content cut into chunks in the content store; reads fetch only the chunks they touch. */
export class ChunkedContent implements ContentSource {
  /** offsets[i] is where chunk i starts; offsets[n] is the size. */
  private readonly offsets: Float64Array;
  /** End of the last read: a read starting there is sequential. */
  private lastEnd = -1;
  /** Chunks before this index have been asked for by read-ahead already. */
  private aheadUntil = 0;

  constructor(
    readonly size: number,
    readonly sha256: string,
    readonly chunks: ChunkRef[],
    private readonly cache: ContentCache,
    private readonly loader: ContentLoader,
  ) {
    this.offsets = new Float64Array(chunks.length + 1);
    for (let i = 0; i < chunks.length; i++) this.offsets[i + 1] = this.offsets[i]! + chunks[i]!.size;
    if (this.offsets[chunks.length] !== size) {
      throw new PondError('ECORRUPT', `chunk sizes add up to ${this.offsets[chunks.length]}, not ${size}`);
    }
  }

  /**
   * A sequential scan of a file larger than a quarter of the cache: its chunks are read
   * once, so they stay out of the shared cache (which they would only flush, and fill to
   * the brim: a 1 GiB read through a 128 MiB cache peaked at 376 MiB RSS). Scan
   * resistance, as databases do for sequential scans.
   */
  private scanning = false;
  /** A scan's chunks (the read-ahead window), outside the shared cache. */
  private readonly scan = new Map<number, Promise<Uint8Array>>();

  private chunk(i: number): Promise<Uint8Array> {
    const ref = this.chunks[i]!;
    if (!this.scanning) return this.cache.get(ref.sha256, () => this.loader.chunk(ref));
    let p = this.scan.get(i);
    if (!p) {
      const hit = this.cache.peek(ref.sha256);
      p = hit ? Promise.resolve(hit) : this.loader.chunk(ref);
      this.scan.set(i, p);
      p.catch(() => this.scan.delete(i));
    }
    return p;
  }

  /** Index of the chunk holding byte `pos`. */
  private find(pos: number): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Starts fetching the chunks after `i` (not awaited: a failure shows when read). */
  private readAhead(i: number): void {
    let j = Math.max(i + 1, this.aheadUntil);
    const limit = this.offsets[i + 1]! + READ_AHEAD_BYTES;
    for (; j < this.chunks.length && this.offsets[j]! < limit; j++) this.chunk(j).catch(() => undefined);
    this.aheadUntil = j;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(offset + length, this.size);
    if (end <= offset) return new Uint8Array(0);
    const i = this.startRead(offset, end);
    const start = this.offsets[i]!;
    if (end <= this.offsets[i + 1]!) return (await this.chunk(i)).subarray(offset - start, end - start);
    const out = new Uint8Array(end - offset);
    await this.copyInto(i, offset, out);
    return out;
  }

  async readInto(offset: number, out: Uint8Array): Promise<void> {
    if (out.length === 0) return;
    if (offset + out.length > this.size) throw new RangeError(`readInto past the end: ${offset + out.length} > ${this.size}`);
    await this.copyInto(this.startRead(offset, offset + out.length), offset, out);
  }

  /** Notes a read of [offset, end) (scan detection, read-ahead); the index of its first chunk. */
  private startRead(offset: number, end: number): number {
    const i = this.find(offset);
    const sequential = offset === this.lastEnd || offset === 0;
    this.lastEnd = end;
    this.scanning = sequential && this.size > this.cache.maxBytes / 4;
    if (this.scanning) {
      for (const k of this.scan.keys()) if (k < i) this.scan.delete(k);
    } else {
      this.scan.clear();
    }
    if (sequential) this.readAhead(i);
    return i;
  }

  /** Copies [offset, offset + out.length) into out, from chunk i (the one holding `offset`) on. */
  private async copyInto(i: number, offset: number, out: Uint8Array): Promise<void> {
    const end = offset + out.length;
    // Fetch them all in parallel, the first too: a 1 MiB read spans four or five chunks.
    const want: Array<Promise<Uint8Array>> = [];
    for (let j = i; j < this.chunks.length && this.offsets[j]! < end; j++) want.push(this.chunk(j));
    let pos = offset;
    for (const bytes of await Promise.all(want)) {
      const cStart = this.offsets[i]!;
      const from = pos - cStart;
      const to = Math.min(bytes.length, end - cStart);
      out.set(bytes.subarray(from, to), pos - offset);
      pos = cStart + to;
      i++;
    }
  }
}

export type CommittedContent = InlineContent | ChunkedContent;

/** The committed content `source` stands for unchanged, if any. */
export function committedOf(source: ContentSource): CommittedContent | 'empty' | undefined {
  if (source instanceof InlineContent || source instanceof ChunkedContent) return source;
  if (source instanceof FileContent) {
    const base = source.cleanBase();
    return base ? committedOf(base) : undefined;
  }
  return source.size === 0 ? 'empty' : undefined;
}
