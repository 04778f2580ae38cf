import { type ContentSource, EMPTY_CONTENT } from './ContentSource.js';

// The live content of a file: committed bytes (base) under an overlay of dirty pages.
// Writes touch only the pages they cover, so a 1-byte change to a 1 GiB file costs one
// page of memory until the next flush, and reads of untouched ranges go to the base.
// freeze() hands a flush an immutable view while later writes go to a fresh overlay.

export const PAGE_SIZE = 64 * 1024;

export class FileContent implements ContentSource {
  private pages = new Map<number, Uint8Array>();
  /** Bytes of base beyond this offset read as zeros (a truncate cut them off). */
  private baseLimit: number;
  private _size: number;

  constructor(private base: ContentSource = EMPTY_CONTENT) {
    this._size = base.size;
    this.baseLimit = base.size;
  }

  get size(): number {
    return this._size;
  }

  /** True when there are writes or truncates not yet part of the base. */
  get dirty(): boolean {
    return this.pages.size > 0 || this._size !== this.base.size || this.baseLimit !== this.base.size;
  }

  /** Bytes held by the overlay (pinned until flushed). */
  get dirtyBytes(): number {
    let n = 0;
    for (const page of this.pages.values()) n += page.length;
    return n;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(offset + length, this._size);
    if (end <= offset) return new Uint8Array(0);
    // Fast path: a read that stays inside one dirty page.
    const first = Math.floor(offset / PAGE_SIZE);
    if (Math.floor((end - 1) / PAGE_SIZE) === first) {
      const page = this.pages.get(first);
      if (page && end - first * PAGE_SIZE <= page.length) return page.subarray(offset - first * PAGE_SIZE, end - first * PAGE_SIZE);
    }
    if (this.pages.size === 0 && end <= this.baseLimit) return this.base.read(offset, end - offset);
    const out = new Uint8Array(end - offset);
    await this.readInto(offset, out);
    return out;
  }

  /**
   * Copies bytes [offset, offset + out.length), which must lie within the size, into
   * `out` (every byte of it is written): for a caller that wants the bytes in a buffer of
   * its own (a flush reads into the chunk worker's ring) without a second copy.
   */
  async readInto(offset: number, out: Uint8Array): Promise<void> {
    const end = offset + out.length;
    if (end > this._size) throw new RangeError(`readInto past the end: ${end} > ${this._size}`);
    let pos = offset;
    while (pos < end) {
      const index = Math.floor(pos / PAGE_SIZE);
      const pageStart = index * PAGE_SIZE;
      let stop = Math.min(end, pageStart + PAGE_SIZE);
      const page = this.pages.get(index);
      if (page) {
        // Past a short page's end the bytes are zeros; `out` may hold anything (a reused buffer).
        const held = Math.max(pos, Math.min(stop, pageStart + page.length));
        if (held > pos) out.set(page.subarray(pos - pageStart, held - pageStart), pos - offset);
        if (held < stop) out.fill(0, held - offset, stop - offset);
      } else {
        // A run of clean pages is one read of the base, not one per page (a chunked base
        // fetches the chunks of a 1 MiB read in parallel).
        while (stop < end && !this.pages.has(stop / PAGE_SIZE)) stop = Math.min(end, stop + PAGE_SIZE);
        await this.readBase(pos, stop, out, pos - offset);
      }
      pos = stop;
    }
  }

  async write(offset: number, data: Uint8Array): Promise<void> {
    const end = offset + data.length;
    let pos = offset;
    while (pos < end) {
      const index = Math.floor(pos / PAGE_SIZE);
      const pageStart = index * PAGE_SIZE;
      const stop = Math.min(end, pageStart + PAGE_SIZE);
      await this.writePage(index, pos - pageStart, data.subarray(pos - offset, stop - offset));
      pos = stop;
    }
    if (end > this._size) this._size = end; // a write of no bytes too
  }

  async truncate(size: number): Promise<void> {
    if (size < this._size) {
      // Zero the tail of the last kept page so a later extension reads zeros there.
      const last = Math.floor(size / PAGE_SIZE);
      const page = this.pages.get(last);
      if (page) page.fill(0, size - last * PAGE_SIZE);
      for (const index of [...this.pages.keys()]) if (index * PAGE_SIZE >= size) this.pages.delete(index);
      if (size < this.baseLimit) this.baseLimit = size;
    }
    this._size = size;
  }

  /** The committed content under the overlay. */
  get baseSource(): ContentSource {
    return this.base;
  }

  /** Bytes [0, n) are the base's own bytes, unchanged by any write or truncate. */
  unchangedPrefix(): number {
    let n = Math.min(this.baseLimit, this._size, this.base.size);
    for (const index of this.pages.keys()) n = Math.min(n, index * PAGE_SIZE);
    return n;
  }

  /** The base itself when nothing was written over it, else undefined. */
  cleanBase(): ContentSource | undefined {
    return this.dirty ? undefined : this.base;
  }

  /**
   * An immutable view of the content as it is now, for a flush to read while writes go
   * on. This object keeps the frozen view as its new base.
   */
  freeze(): ContentSource {
    const frozen = new FileContent(this.base);
    frozen.pages = this.pages;
    frozen.baseLimit = this.baseLimit;
    frozen._size = this._size;
    this.base = frozen;
    this.pages = new Map();
    this.baseLimit = this._size;
    return frozen;
  }

  /**
   * After a flush committed `frozen` as `committed`: if nothing was written since the
   * freeze, the committed source replaces the frozen overlay and its memory is released.
   */
  settle(frozen: ContentSource, committed: ContentSource): void {
    if (this.base === frozen) this.base = committed;
  }

  /**
   * Writes `bytes` at `at` in page `index`. A page may be short (a small file costs 4 KiB,
   * not 64): its bytes past its length are zeros. So a new page copies every byte the page
   * holds now (all of them from the base), and a short page grows by copying. The page is
   * found, written and the size grown with no await between: a freeze (a flush or spill,
   * while writes go on) takes all of them or none.
   */
  private async writePage(index: number, at: number, bytes: Uint8Array): Promise<void> {
    const need = at + bytes.length;
    const pageStart = index * PAGE_SIZE;
    for (;;) {
      let page = this.pages.get(index);
      if (!page || page.length < need) {
        const held = Math.max(0, Math.min(PAGE_SIZE, this._size - pageStart));
        const grown = new Uint8Array(pageLength(Math.max(need, held)));
        if (page) grown.set(page);
        else if (held > 0 && !(at === 0 && need === PAGE_SIZE)) {
          const { base, baseLimit } = this;
          await this.readBase(pageStart, pageStart + held, grown, 0);
          // While the base was read, another write may have made this page (FUSE runs
          // writes to one file side by side), a freeze may have made a new base, or a
          // truncate cut it: what was read is stale, so start again from what is there now.
          if (this.pages.has(index) || this.base !== base || this.baseLimit !== baseLimit) continue;
        }
        this.pages.set(index, (page = grown));
      }
      page.set(bytes, at);
      if (pageStart + need > this._size) this._size = pageStart + need;
      return;
    }
  }

  /** Copies base bytes [start, stop) into out at `at`; past baseLimit they are zeros. */
  private async readBase(start: number, stop: number, out: Uint8Array, at: number): Promise<void> {
    const limit = Math.min(stop, this.baseLimit);
    if (limit > start && this.base.readInto && limit <= this.base.size) {
      await this.base.readInto(start, out.subarray(at, at + (limit - start)));
      out.fill(0, at + (limit - start), at + (stop - start));
    } else if (limit > start) {
      const bytes = await this.base.read(start, limit - start);
      out.set(bytes, at);
      out.fill(0, at + bytes.length, at + (stop - start));
    } else {
      out.fill(0, at, at + (stop - start));
    }
  }
}

/** Page lengths: powers of two from 4 KiB, whole pages from half a page up. */
function pageLength(n: number): number {
  if (n > PAGE_SIZE / 2) return PAGE_SIZE;
  let len = 4096;
  while (len < n) len *= 2;
  return len;
}
