// FastCDC content-defined chunking (Xia et al., 2016) with normalized chunking: a cut
// falls where the gear hash of the last 32 bytes matches a mask, so cut points follow the
// content, and an insertion moves only the cut points next to it. Below the average size
// a stricter mask (more bits) makes cuts rarer, above it a looser one makes them likelier,
// which narrows the size spread around the average.
//
// The hash is 32-bit; `(h << 1) + gear[b]` shifts older bytes toward the high bits, so
// the masks test high bits, which depend on the last 32 bytes (low bits only on the last
// few). The loop is a plain Uint8Array/Uint32Array walk with int32 arithmetic: no BigInt.
import { PondError } from '../../errors.js';
import { GEAR } from './gear.js';

export interface ChunkerOptions {
  /** Minimum chunk size in bytes (default 64 KiB); no cut is considered before it. */
  min?: number;
  /** Target average size, a power of two (default 256 KiB). */
  avg?: number;
  /** Maximum chunk size (default 1 MiB); a chunk this long is cut unconditionally. */
  max?: number;
}

// 256 KiB on average (ponds before 2026-11-26 used 16/64/256 KiB; their chunks stay
// readable, the sizes only decide future cuts). Every chunk is a file: its create, link,
// publish and, on a cold read, open and disk seek cost the same whatever its size, and at
// 64 KiB they were much of the CPU of a large write or read (a 256 MiB write: 6.6-8.0 ->
// 4.3 s of server CPU; a read 3.4-4.5 -> 2.5-2.8 s). A 1-byte edit still costs one
// chunk: ~0.3% of a 100 MiB file.
export const CHUNK_MIN = 64 * 1024;
export const CHUNK_AVG = 256 * 1024;
export const CHUNK_MAX = 1024 * 1024;

/** A mask with the top `bits` bits of a 32-bit word set, as an int32. */
function highMask(bits: number): number {
  return bits <= 0 ? 0 : (~0 << (32 - bits)) | 0;
}

/**
 * Streaming chunker: `push` buffers, receive complete chunks; `finish` returns the tail.
 * Returned chunks may be views into the pushed buffers (no copy when a chunk lies within
 * one buffer), so callers must not modify a buffer after pushing it.
 */
export class Chunker {
  readonly min: number;
  readonly avg: number;
  readonly max: number;
  private readonly maskS: number;
  private readonly maskL: number;
  // State of the chunk in progress: its buffered parts, their length and the hash so far.
  private parts: Uint8Array[] = [];
  private pending = 0;
  private hash = 0;

  constructor(opts: ChunkerOptions = {}) {
    this.min = opts.min ?? CHUNK_MIN;
    this.avg = opts.avg ?? CHUNK_AVG;
    this.max = opts.max ?? CHUNK_MAX;
    const bits = Math.round(Math.log2(this.avg));
    if (2 ** bits !== this.avg || !(this.min > 0 && this.min <= this.avg && this.avg <= this.max)) {
      throw new PondError('EINVAL', `bad chunk sizes min=${this.min} avg=${this.avg} max=${this.max}`);
    }
    // Normalization level 2, as recommended by the FastCDC paper.
    this.maskS = highMask(bits + 2);
    this.maskL = highMask(bits - 2);
  }

  /** Feeds bytes; returns the chunks completed by them, in order. */
  push(data: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let start = 0; // first byte of `data` that belongs to the chunk in progress
    while (start < data.length) {
      const cut = this.scan(data, start);
      if (cut < 0) {
        this.parts.push(data.subarray(start));
        this.pending += data.length - start;
        break;
      }
      out.push(this.take(data.subarray(start, cut)));
      start = cut;
    }
    return out;
  }

  /** Ends the stream: the last, possibly short, chunk (none when no bytes are pending). */
  finish(): Uint8Array[] {
    if (this.pending === 0) return [];
    return [this.take(new Uint8Array(0))];
  }

  /**
   * Continues the hash of the chunk in progress over data[from..]; returns the index in
   * `data` just after the cut, or -1 when the data ran out first.
   */
  private scan(data: Uint8Array, from: number): number {
    const gear = GEAR;
    const len = data.length;
    // The chunk in progress has length base + i at data[i].
    const base = this.pending - from;
    let i = from;
    let h = this.hash;
    // Skip the minimum: no cut can fall there, so its bytes are not even hashed.
    const minEnd = Math.min(len, this.min - base);
    if (i < minEnd) i = minEnd;
    // Strict mask up to the average size, then the loose one up to the maximum.
    const maskS = this.maskS;
    let end = Math.min(len, this.avg - base);
    for (; i < end; i++) {
      h = ((h << 1) + gear[data[i]!]!) | 0;
      if ((h & maskS) === 0) { this.hash = 0; return i + 1; }
    }
    const maskL = this.maskL;
    end = Math.min(len, this.max - base);
    for (; i < end; i++) {
      h = ((h << 1) + gear[data[i]!]!) | 0;
      if ((h & maskL) === 0) { this.hash = 0; return i + 1; }
    }
    if (base + i >= this.max) { this.hash = 0; return i; }
    this.hash = h;
    return -1;
  }

  /** The chunk made of the buffered parts plus `tail`; resets the chunk in progress. */
  private take(tail: Uint8Array): Uint8Array {
    const parts = this.parts;
    const total = this.pending + tail.length;
    this.parts = [];
    this.pending = 0;
    this.hash = 0;
    if (parts.length === 0) return tail;
    const chunk = new Uint8Array(total);
    let off = 0;
    for (const p of parts) { chunk.set(p, off); off += p.length; }
    chunk.set(tail, off);
    return chunk;
  }
}
