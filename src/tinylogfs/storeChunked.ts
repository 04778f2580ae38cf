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
  // Off the thread, a piece read into a buffer of our own moves to the worker without another copy.
  const ownPieces = offThread && source instanceof FileContent;
  for (let pos = Math.min(chunkFrom, hashFrom); pos < size; pos += READ_PIECE) {
    // The chunker keeps views of what it is given: frozen pages and cached chunks are
    // never written again, and multi-page reads return a fresh buffer.
    const length = Math.min(READ_PIECE, size - pos);
    let piece: Uint8Array;
    if (ownPieces) {
      // Not zero-filled (readInto writes every byte), and never from the shared pool,
      // whose buffer must not be moved.
      piece = Buffer.allocUnsafeSlow(length);
      await source.readInto(pos, piece);
    } else {
      piece = await source.read(pos, length);
    }
    const hashStart = Math.max(0, hashFrom - pos);
    if (hashStart < piece.length) hash.update(hashStart === 0 ? piece : piece.subarray(hashStart));
    const chunkStart = Math.max(0, chunkFrom - pos);
    if (chunkStart === 0 && ownPieces) await writer.give(piece);
    else if (chunkStart < piece.length) await writer.push(chunkStart === 0 ? piece : piece.subarray(chunkStart));
  }
  const fresh = await writer.finish();
  const midstate = hash.copy();
  return { sha256: hash.digest('hex'), size, chunks: [...reuse, ...fresh], midstate, newBytes: writer.bytes };
}
