import type { ChunkRef } from '../records/index.js';
import { Chunker, type ChunkerOptions } from './Chunker.js';
import { type EncodedChunk, OffThreadChunker, RING_BYTES } from './ChunkPool.js';
import type { ContentStore } from './ContentStore.js';

export interface ChunkWriterOptions extends ChunkerOptions {
  /** Chunk puts kept in flight (default: the store's parallelism). */
  parallelism?: number;
  /** Stage chunks for the store's next publish() instead of an fsync each. */
  staged?: boolean;
  /**
   * Cut, hash and encode on the chunk worker thread (ChunkPool.ts), so the JS thread
   * stays free for other work meanwhile. Same chunks, same refs: only where the CPU
   * work runs differs. Worth it for megabytes, not for a few chunks (a round trip each).
   */
  offThread?: boolean;
}

/** Off-thread pushes go to the ring in pieces of at most this size. */
const PIECE = 1024 * 1024;

/**
 * Cuts a stream of bytes into FastCDC chunks and stores them while the stream is still
 * being read, with a bounded number of puts in flight, so a huge source never has all its
 * chunks in memory. Refs come back in stream order.
 */
export class ChunkWriter {
  private readonly chunker: Chunker | undefined;
  private readonly remote: OffThreadChunker | undefined;
  private readonly refs: Array<Promise<ChunkRef>> = [];
  private readonly inFlight = new Set<Promise<ChunkRef>>();
  private readonly parallelism: number;
  private readonly staged: boolean;
  /** Off-thread: chunks back from the worker, waiting for a put slot. */
  private readonly waiting: Array<{ chunk: EncodedChunk; resolve: (r: Promise<ChunkRef>) => void }> = [];
  /** Off-thread: bytes pushed whose chunks are not stored yet, and who waits for room. */
  private outstanding = 0;
  private wake: (() => void) | undefined;
  private remoteDone: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(private readonly store: ContentStore, opts: ChunkWriterOptions = {}) {
    this.parallelism = opts.parallelism ?? store.parallelism;
    this.staged = opts.staged ?? false;
    // Validate the sizes here, where the error belongs, not in the worker.
    const chunker = new Chunker(opts);
    // Off the thread, the chunk in progress (up to max - 1 bytes) stays in the ring until
    // it is cut: with a piece beside it the ring must still have room, else room() waits
    // for a release that never comes. Such a maximum is chunked in thread.
    if (!opts.offThread || chunker.max - 1 + PIECE > RING_BYTES) {
      this.chunker = chunker;
      return;
    }
    const { min, avg, max } = opts;
    let done!: () => void;
    let fail!: (err: Error) => void;
    this.remoteDone = new Promise<void>((resolve, reject) => { done = resolve; fail = reject; });
    this.remoteDone.catch(() => undefined); // reported by push() or finish()
    // Staged chunks of a local store: the worker writes the files too.
    const stage = this.staged ? store.localStaging() : undefined;
    this.remote = new OffThreadChunker({ min, avg, max }, {
      chunk: (c) => this.arrived(c),
      done,
      fail: (err) => {
        this.failure = err;
        this.wake?.();
        fail(err);
      },
    }, stage);
  }

  /** Feeds bytes; in-thread the chunker keeps views of them, so they must not change afterwards. */
  async push(data: Uint8Array): Promise<void> {
    if (this.chunker) {
      for (const chunk of this.chunker.push(data)) await this.put(chunk);
      return;
    }
    await this.pushInto(data.length, (into, at) => { into.set(data.subarray(at, at + into.length)); });
  }

  /**
   * Feeds the next `length` bytes, which `fill` writes into the buffer it is given (at
   * offset `at` of the `length`, maybe in several calls): off the thread that is the
   * worker's ring itself, so the bytes are read or copied once and nothing is allocated.
   * `fill` must not keep `into` (the worker takes it once fill resolves).
   */
  async pushInto(length: number, fill: (into: Uint8Array, at: number) => Promise<void> | void): Promise<void> {
    if (this.chunker) {
      const buf = new Uint8Array(length);
      await fill(buf, 0);
      return this.push(buf);
    }
    const remote = this.remote!;
    for (let off = 0; off < length; off += PIECE) {
      const n = Math.min(PIECE, length - off);
      await this.room(n);
      this.outstanding += n;
      await remote.pushInto(n, (into, at) => fill(into, off + at));
    }
  }

  /**
   * Gives up on a stream that will not be finished (its source failed): off the thread,
   * the worker drops it, or it would keep the process alive waiting for the rest.
   */
  abort(): void {
    this.remote?.abort();
  }

  /** Off-thread: waits until the ring has room for `n` more bytes. */
  private async room(n: number): Promise<void> {
    while (this.outstanding + n > this.remote!.capacity && !this.failure) {
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
    if (this.failure) throw this.failure;
  }

  /** Ends the stream and waits for every put. */
  async finish(): Promise<ChunkRef[]> {
    if (this.chunker) {
      for (const chunk of this.chunker.finish()) await this.put(chunk);
    } else {
      this.remote!.finish();
      await this.remoteDone;
    }
    return Promise.all(this.refs);
  }

  private async put(chunk: Uint8Array): Promise<void> {
    while (this.inFlight.size >= this.parallelism) await Promise.race(this.inFlight);
    const p = this.store.put(chunk, { staged: this.staged });
    this.refs.push(p);
    this.track(p);
  }

  private track(p: Promise<ChunkRef>): void {
    this.inFlight.add(p);
    const done = (): void => {
      this.inFlight.delete(p);
      this.startWaiting();
    };
    p.then(done, done);
  }

  /** A chunk from the worker: its ref's place is taken now, its put starts when a slot is free. */
  private arrived(chunk: EncodedChunk): void {
    if (!chunk.encoded) {
      // Written (or found) by the worker: nothing left to do but take the file over.
      const ref = { sha256: chunk.sha256, size: chunk.size };
      const taken = new Promise<ChunkRef>((resolve) => {
        if (chunk.file) this.store.adoptStaged(ref, chunk.file);
        resolve(ref);
      });
      taken.catch(() => undefined); // reported by finish()
      this.refs.push(taken);
      this.release(chunk.size);
      return;
    }
    const ref = new Promise<Promise<ChunkRef>>((resolve) => this.waiting.push({ chunk, resolve })).then((p) => p);
    ref.catch(() => undefined); // reported by finish(), not as an unhandled rejection
    this.refs.push(ref);
    this.startWaiting();
  }

  /** `size` bytes pushed to the worker are stored: their room in the ring is free again. */
  private release(size: number): void {
    this.outstanding -= size;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private startWaiting(): void {
    while (this.waiting.length > 0 && this.inFlight.size < this.parallelism) {
      const { chunk, resolve } = this.waiting.shift()!;
      const encoded = chunk.encoded!;
      const p = this.store.putEncoded({ sha256: chunk.sha256, size: chunk.size }, () => encoded, { staged: this.staged });
      const settled = (): void => this.release(chunk.size);
      p.then(settled, settled);
      this.track(p);
      resolve(p);
    }
  }
}
