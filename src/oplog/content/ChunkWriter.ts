import type { ChunkRef } from '../records/index.js';
import { Chunker, type ChunkerOptions } from './Chunker.js';
import type { ContentStore } from './ContentStore.js';

export interface ChunkWriterOptions extends ChunkerOptions {
  /** Chunk puts kept in flight (default: the store's parallelism). */
  parallelism?: number;
  /** Stage chunks for the store's next publish() instead of an fsync each. */
  staged?: boolean;
}

/**
 * Cuts a stream of bytes into FastCDC chunks and stores them while the stream is still
 * being read, with a bounded number of puts in flight, so a huge source never has all its
 * chunks in memory. Refs come back in stream order.
 */
export class ChunkWriter {
  private readonly chunker: Chunker;
  private readonly refs: Array<Promise<ChunkRef>> = [];
  private readonly inFlight = new Set<Promise<ChunkRef>>();
  private readonly parallelism: number;
  private readonly staged: boolean;
  /** Bytes handed to the store so far. */
  bytes = 0;

  constructor(private readonly store: ContentStore, opts: ChunkWriterOptions = {}) {
    this.chunker = new Chunker(opts);
    this.parallelism = opts.parallelism ?? store.parallelism;
    this.staged = opts.staged ?? false;
  }

  /** Feeds bytes; the chunker keeps views of them, so they must not change afterwards. */
  async push(data: Uint8Array): Promise<void> {
    for (const chunk of this.chunker.push(data)) await this.put(chunk);
  }

  /** Ends the stream and waits for every put. */
  async finish(): Promise<ChunkRef[]> {
    for (const chunk of this.chunker.finish()) await this.put(chunk);
    return Promise.all(this.refs);
  }

  private async put(chunk: Uint8Array): Promise<void> {
    while (this.inFlight.size >= this.parallelism) await Promise.race(this.inFlight);
    const p = this.store.put(chunk, { staged: this.staged });
    this.refs.push(p);
    this.inFlight.add(p);
    const done = (): void => void this.inFlight.delete(p);
    p.then(done, done);
    this.bytes += chunk.length;
  }
}
