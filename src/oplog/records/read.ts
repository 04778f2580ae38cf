// Column readers: Arrow Data -> JS values, straight from the buffers. Vector.get() goes
// through per-value visitors and BigInt; decoding 10,000 rows must take milliseconds.
import * as arrow from 'apache-arrow';
import type { ChunkRef } from './OpRecord.js';

const TWO_32 = 4294967296;

/**
 * The validity test of one chunk, worked out once: Data.nullCount is a getter that checks
 * the type (and may count bits) on every call, which cost more than the values themselves.
 */
function validity(d: arrow.Data): (i: number) => boolean {
  const bm = d.nullBitmap;
  if (!bm || bm.length === 0 || d.nullCount === 0) return () => true;
  const off = d.offset;
  return (i) => {
    const j = off + i;
    return (bm[j >> 3]! & (1 << (j & 7))) !== 0;
  };
}

function asBuffer(u8: Uint8Array): Buffer {
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

/** Values of one chunk of a variable-width (Utf8, Binary, or Large*) column, made by `make`. */
function readVariable<T>(d: arrow.Data, out: Array<T | null>, base: number, make: (start: number, end: number) => T): void {
  const isValid = validity(d);
  const offs = d.valueOffsets as Int32Array | BigInt64Array;
  const large = offs instanceof BigInt64Array;
  for (let i = 0; i < d.length; i++) {
    if (!isValid(i)) { out[base + i] = null; continue; }
    const k = d.offset + i;
    const s = large ? Number(offs[k]) : (offs[k] as number);
    const e = large ? Number(offs[k + 1]) : (offs[k + 1] as number);
    out[base + i] = make(s, e);
  }
}

/** Strings of one chunk of a Utf8 (or LargeUtf8) column, into `out` from `base`. */
export function readUtf8(d: arrow.Data, out: Array<string | null>, base: number): void {
  const buf = asBuffer(d.values as Uint8Array);
  readVariable(d, out, base, (s, e) => buf.toString('utf8', s, e));
}

export function readBinary(d: arrow.Data, out: Array<Uint8Array | null>, base: number): void {
  const vals = d.values as Uint8Array;
  // A copy, so one row's content does not pin the whole decoded column in memory.
  readVariable(d, out, base, (s, e) => vals.slice(s, e));
}

/** 64-bit integers as numbers, read through an Int32Array view (no BigInt per value). */
export function readInt64(d: arrow.Data, out: Array<number | null>, base: number, divisor: number): void {
  const isValid = validity(d);
  const vals = d.values as BigInt64Array;
  const words = new Int32Array(vals.buffer, vals.byteOffset, vals.length * 2);
  for (let i = 0; i < d.length; i++) {
    if (!isValid(i)) { out[base + i] = null; continue; }
    const k = d.offset + i;
    const v = words[2 * k + 1]! * TWO_32 + (words[2 * k]! >>> 0);
    out[base + i] = divisor === 1 ? v : v / divisor;
  }
}

export function readInt32(d: arrow.Data, out: Array<number | null>, base: number, unsigned: boolean): void {
  const isValid = validity(d);
  const vals = d.values as Int32Array;
  for (let i = 0; i < d.length; i++) {
    if (!isValid(i)) { out[base + i] = null; continue; }
    const v = vals[d.offset + i]!;
    out[base + i] = unsigned ? v >>> 0 : v;
  }
}

/** Microsecond divisor of a timestamp column, whatever unit the reader produced. */
export function timestampDivisor(t: arrow.DataType): number {
  if (!arrow.DataType.isTimestamp(t)) return 1000;
  switch (t.unit) {
    case arrow.TimeUnit.SECOND: return 0.001;
    case arrow.TimeUnit.MILLISECOND: return 1;
    case arrow.TimeUnit.MICROSECOND: return 1000;
    default: return 1000000;
  }
}

export function readChunks(d: arrow.Data, out: Array<ChunkRef[] | null>, base: number): void {
  const isValid = validity(d);
  const offs = d.valueOffsets as Int32Array;
  const struct = d.children[0]!;
  const shaData = struct.children[0]!;
  const sizeData = struct.children[1]!;
  // Children are decoded once for the whole chunk, then sliced per row.
  const shas: Array<string | null> = new Array(struct.length);
  const sizes: Array<number | null> = new Array(struct.length);
  readUtf8(shaData.slice(struct.offset, struct.length), shas, 0);
  readInt64(sizeData.slice(struct.offset, struct.length), sizes, 0, 1);
  for (let i = 0; i < d.length; i++) {
    if (!isValid(i)) { out[base + i] = null; continue; }
    const k = d.offset + i;
    const list: ChunkRef[] = [];
    for (let j = offs[k]!; j < offs[k + 1]!; j++) list.push({ sha256: shas[j]!, size: sizes[j]! });
    out[base + i] = list;
  }
}
