// One-shot chunking of an in-memory buffer, for callers that already hold all the bytes.
import { Chunker, type ChunkerOptions } from './Chunker.js';

/** The chunks of `data` (views into it, no copies). */
export function chunkBytes(data: Uint8Array, opts?: ChunkerOptions): Uint8Array[] {
  const c = new Chunker(opts);
  return [...c.push(data), ...c.finish()];
}

/** End offsets of the chunks of `data`. */
export function cutPoints(data: Uint8Array, opts?: ChunkerOptions): number[] {
  const out: number[] = [];
  let off = 0;
  for (const chunk of chunkBytes(data, opts)) { off += chunk.length; out.push(off); }
  return out;
}
