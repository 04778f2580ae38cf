// Committed file content, as the persistence layer provides it. Reads are async because
// content may have to come from a Parquet file or the chunk store.

export interface ContentSource {
  readonly size: number;
  /** Up to `length` bytes from `offset`; shorter only at end of content. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: copies bytes [offset, offset + out.length), which lie within the size, into
   * `out`, for a caller with a buffer of its own (a FUSE read reply): no buffer per read
   * where read() would assemble one from several pieces.
   */
  readInto?(offset: number, out: Uint8Array): Promise<void>;
}

export const EMPTY_CONTENT: ContentSource = {
  size: 0,
  read: async () => new Uint8Array(0),
};

/** Content held in memory (new small files, tests, the in-memory backend). */
export class BytesContent implements ContentSource {
  constructor(readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.length;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    return this.bytes.subarray(offset, Math.min(offset + length, this.bytes.length));
  }
}
