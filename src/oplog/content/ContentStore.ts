// Content-addressed chunk store: `<hh>/<sha256>` under the pond's content folder, outside
// the Delta table so VACUUM never sees it. A chunk is named by the hash of its bytes, so
// identical content anywhere in the pond is stored once, and every read is verified.
import { createHash } from 'node:crypto';
import { PondError, isPondError } from '../../errors.js';
import type { Storage } from '../storage/index.js';
import type { ChunkRef } from '../records/index.js';
import { chunkAndStore, type StoredContent } from './chunkAndStore.js';
import { CHUNK_MAX, type ChunkerOptions } from './Chunker.js';
import { decodeChunk, encodeChunk } from './codec.js';

// Each put fsyncs a file and its folder: throughput is bound by sync latency, so keep
// many in flight (measured: 8 -> 50, 16 -> 57 MiB/s on the dev VM; more gains little).
export const DEFAULT_PARALLELISM = 16;

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function isSha256(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

export class ContentStore {
  /** @param parallelism how many chunk writes putAll and chunkAndStore keep in flight. */
  constructor(readonly storage: Storage, readonly parallelism = DEFAULT_PARALLELISM) {}

  static pathOf(sha256: string): string {
    return `${sha256.slice(0, 2)}/${sha256}`;
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.storage.stat(ContentStore.pathOf(sha256))) !== undefined;
  }

  /**
   * Stores a chunk durably unless it is already present. With `staged`, the chunk is
   * written without an fsync and becomes durable and visible at publish(): one barrier
   * for a whole flush instead of one per chunk.
   */
  async put(chunk: Uint8Array, opts: { staged?: boolean } = {}): Promise<ChunkRef> {
    return this.putEncoded({ sha256: sha256Hex(chunk), size: chunk.length }, () => encodeChunk(chunk), opts);
  }

  /**
   * put() for a chunk whose hash is known: `encode` gives the chunk file's bytes (codec.ts)
   * and is only called when the chunk is not stored yet. The caller vouches that `ref`
   * is the hash and size of what `encode` decodes to (ChunkPool's worker computed both).
   */
  async putEncoded(ref: ChunkRef, encode: () => Uint8Array, opts: { staged?: boolean } = {}): Promise<ChunkRef> {
    const path = ContentStore.pathOf(ref.sha256);
    if (await this.storage.stat(path)) return ref;
    if (opts.staged) {
      await this.storage.stage(path, encode());
      return ref;
    }
    try {
      await this.storage.putIfAbsent(path, encode());
    } catch (err) {
      // A concurrent put of the same bytes won the name: the chunk is stored all the same.
      if (!isPondError(err, 'EEXIST')) throw err;
    }
    return ref;
  }

  /** Where another thread may write staged chunk files itself (see Storage.localStaging). */
  localStaging(): { root: string; dir: string } | undefined {
    return this.storage.localStaging?.();
  }

  /** Takes a chunk file written into localStaging().dir as staged for `ref`. */
  adoptStaged(ref: ChunkRef, file: string): void {
    if (!this.storage.adoptStaged) throw new PondError('EINVAL', `${this.storage.location} cannot adopt staged files`);
    this.storage.adoptStaged(ContentStore.pathOf(ref.sha256), file);
  }

  /** Drops staged chunks no commit will name (and leftovers of a dead writer). */
  discard(): Promise<void> {
    return this.storage.discardStaged();
  }

  /** Makes every staged chunk durable and readable. */
  publish(): Promise<void> {
    return this.storage.publishStaged();
  }

  /** Stores many chunks, at most `parallelism` at a time; refs in input order. */
  async putAll(chunks: ReadonlyArray<Uint8Array>, parallelism = this.parallelism): Promise<ChunkRef[]> {
    const out = new Array<ChunkRef>(chunks.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const i = next++;
        out[i] = await this.put(chunks[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallelism, chunks.length) }, worker));
    return out;
  }

  /** The chunk's bytes, verified against its hash (and size, when the ref has one). */
  async get(ref: ChunkRef | string): Promise<Uint8Array> {
    const sha256 = typeof ref === 'string' ? ref : ref.sha256;
    if (!isSha256(sha256)) throw new PondError('EINVAL', `bad chunk id ${sha256}`, { op: 'getChunk' });
    const path = ContentStore.pathOf(sha256);
    // A chunk file holds at most its size + 1 bytes (tag + raw bytes; encodeChunk keeps
    // zstd only when smaller): reading one byte more than that needs no fstat. A file that
    // fills it is read whole, and decoding and the hash judge it. So is one whose ref's size
    // no chunker makes (a corrupt row): no buffer of that size, and the size check says EIO.
    const limit = typeof ref === 'string' || !Number.isSafeInteger(ref.size) || ref.size < 0 || ref.size > CHUNK_MAX ? undefined : ref.size + 2;
    let file: Uint8Array;
    try {
      file = await this.storage.read(path, limit === undefined ? undefined : { offset: 0, length: limit });
      if (file.length === limit) file = await this.storage.read(path);
    } catch (err) {
      if (isPondError(err, 'ENOENT')) {
        // A referenced chunk that is gone is data loss, not a missing name: EIO.
        throw new PondError('EIO', `missing chunk ${sha256} in ${this.storage.location}`, { op: 'getChunk', path, cause: err });
      }
      throw err;
    }
    let data: Uint8Array;
    try {
      data = decodeChunk(file);
    } catch (err) {
      throw new PondError('EIO', `undecodable chunk ${sha256}: ${String(err)}`, { op: 'getChunk', path, cause: err });
    }
    const actual = sha256Hex(data);
    if (actual !== sha256 || (typeof ref !== 'string' && ref.size !== data.length)) {
      throw new PondError('EIO', `corrupt chunk ${sha256}: content hashes to ${actual}`, { op: 'getChunk', path });
    }
    return data;
  }

  /** Chunks `data` (FastCDC), stores the chunks, and returns the whole content's hash. */
  chunkAndStore(data: Uint8Array | AsyncIterable<Uint8Array>, opts?: ChunkerOptions): Promise<StoredContent> {
    return chunkAndStore(this, data, opts);
  }
}
