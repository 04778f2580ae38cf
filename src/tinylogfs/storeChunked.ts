import { type Hash, createHash } from 'node:crypto';
import { ChunkWriter, type ChunkRef, type ContentStore } from '../oplog/index.js';
import { type ContentSource, FileContent } from '../tinyfs/index.js';
import { ChunkedContent } from './sources.js';

// Chunking a large file at flush time, re-using what the last commit already did.
// FastCDC's cut points depend only on the bytes since the previous cut, so restarting
// the chunker at an old cut point before the first changed byte yields the same chunks
// as chunking from byte 0: a 1-byte change or an append re-chunks only from there. The
// whole-file SHA-256 resumes from a hash state kept in memory when the file only grew.

const READ_PIECE = 1024 * 1024;
const PUT_PARALLELISM = 8;
/** From this many bytes to chunk, the chunk worker does the CPU work (ChunkWriter offThread). */
const OFF_THREAD_FROM = 4 * 1024 * 1024;

export interface ChunkedResult {
  sha256: string;
  size: number;
  chunks: ChunkRef[];
  /** Hash state at `size`, for the next flush of this file if it only grows. */
  midstate: Hash;
  /** Bytes chunked by this store: from the first byte not covered by reused chunks to the end. */
  newBytes: number;
}

/** Midstates of committed chunked contents (memory only; lost on reopen). */
const midstates = new WeakMap<ChunkedContent, Hash>();

export function rememberMidstate(content: ChunkedContent, hash: Hash): void {
  midstates.set(content, hash);
}

export async function storeChunked(source: ContentSource, store: ContentStore): Promise<ChunkedResult> {
  const size = source.size;
  let reuse: ChunkRef[] = [];
  let chunkFrom = 0;
  let hash = createHash('sha256');
  let hashFrom = 0;
  if (source instanceof FileContent && source.baseSource instanceof ChunkedContent) {
    const base = source.baseSource;
    const prefix = source.unchangedPrefix();
    // The last chunk was cut by the end of the file, not by content: never re-use it.
    let k = 0;
    let off = 0;
    while (k < base.chunks.length - 1 && off + base.chunks[k]!.size <= prefix) off += base.chunks[k++]!.size;
    reuse = base.chunks.slice(0, k);
    chunkFrom = off;
    const mid = midstates.get(base);
    if (mid && base.size <= prefix) {
      hash = mid.copy();
      hashFrom = base.size;
    }
  }
  const offThread = size - chunkFrom >= OFF_THREAD_FROM;
  const writer = new ChunkWriter(store, { parallelism: PUT_PARALLELISM, staged: true, offThread });
  try {
    for (let pos = Math.min(chunkFrom, hashFrom); pos < size; pos += READ_PIECE) {
      const length = Math.min(READ_PIECE, size - pos);
      const hashStart = Math.max(0, hashFrom - pos);
      const chunkStart = Math.max(0, chunkFrom - pos);
      if (offThread && chunkStart === 0 && source instanceof FileContent) {
        // Read straight into the chunk worker's ring: one copy, no buffer of our own.
        await writer.pushInto(length, async (into, at) => {
          await source.readInto(pos + at, into);
          const from = Math.max(0, hashStart - at);
          if (from < into.length) hash.update(from === 0 ? into : into.subarray(from));
        });
        continue;
      }
      // The chunker keeps views of what it is given: frozen pages and cached chunks are
      // never written again, and multi-page reads return a fresh buffer.
      const piece = await source.read(pos, length);
      if (hashStart < piece.length) hash.update(hashStart === 0 ? piece : piece.subarray(hashStart));
      if (chunkStart < piece.length) await writer.push(chunkStart === 0 ? piece : piece.subarray(chunkStart));
    }
  } catch (err) {
    writer.abort();
    throw err;
  }
  const fresh = await writer.finish();
  const midstate = hash.copy();
  return { sha256: hash.digest('hex'), size, chunks: [...reuse, ...fresh], midstate, newBytes: size - chunkFrom };
}
