// Column builders: JS arrays -> Arrow Data, written straight into typed buffers. Arrow's
// generic builders go value by value through dynamic dispatch; a 10,000-row commit must
// encode in milliseconds, so each column here is one tight loop over its values.
import * as arrow from 'apache-arrow';
import { PondError } from '../../errors.js';
import type { ChunkRef } from './OpRecord.js';
import { chunkStructType } from './schema.js';

const TWO_32 = 4294967296;

interface Validity { nullBitmap: Uint8Array; nullCount: number }

function validity(n: number, isNull: (i: number) => boolean): Validity {
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (isNull(i)) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { nullBitmap, nullCount };
}

export function bad(column: string, value: unknown): PondError {
  return new PondError('EINVAL', `record column ${column}: invalid value ${String(value)}`, { op: 'encode' });
}

/** A null in a column that must not hold one (REQUIRED_COLUMNS). */
export function nullInRequired(column: string): PondError {
  return new PondError('EINVAL', `record column ${column} must not be null`, { op: 'encode' });
}

export function utf8Data(column: string, values: ReadonlyArray<string | null>): arrow.Data<arrow.Utf8> {
  const n = values.length;
  let cap = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) {
      if (typeof v !== 'string') throw bad(column, v);
      cap += v.length * 3; // UTF-16 unit -> at most 3 UTF-8 bytes
    }
  }
  const buf = Buffer.allocUnsafe(cap);
  const valueOffsets = new Int32Array(n + 1);
  let off = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v) off += buf.write(v, off, 'utf8');
    valueOffsets[i + 1] = off;
  }
  const { nullBitmap, nullCount } = validity(n, (i) => values[i] === null || values[i] === undefined);
  return arrow.makeData({
    type: new arrow.Utf8(), length: n, nullCount, nullBitmap, valueOffsets,
    data: new Uint8Array(buf.buffer, buf.byteOffset, off),
  });
}

export function binaryData(column: string, values: ReadonlyArray<Uint8Array | null>): arrow.Data<arrow.Binary> {
  const n = values.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) {
      if (!(v instanceof Uint8Array)) throw bad(column, v);
      total += v.length;
    }
  }
  if (total > 0x7fffffff) throw bad(column, `${total} bytes in one file`);
  const data = new Uint8Array(total);
  const valueOffsets = new Int32Array(n + 1);
  let off = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v) { data.set(v, off); off += v.length; }
    valueOffsets[i + 1] = off;
  }
  const { nullBitmap, nullCount } = validity(n, (i) => values[i] === null || values[i] === undefined);
  return arrow.makeData({ type: new arrow.Binary(), length: n, nullCount, nullBitmap, valueOffsets, data });
}

/**
 * 64-bit integers from JS numbers without BigInt: the low and high words go into an
 * Int32Array view of the BigInt64Array (little-endian, like every platform Node runs on).
 * `scale` turns milliseconds into microseconds for timestamps.
 */
function int64Words(column: string, values: ReadonlyArray<number | null>, scale: number): BigInt64Array {
  const n = values.length;
  const out = new BigInt64Array(n);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const raw = values[i];
    if (raw === null || raw === undefined) continue;
    const v = int64Value(column, raw, scale);
    const hi = Math.floor(v / TWO_32);
    words[2 * i] = (v - hi * TWO_32) | 0;
    words[2 * i + 1] = hi;
  }
  return out;
}

/** A 64-bit column value as a checked integer (`scale` 1000: milliseconds -> microseconds). */
export function int64Value(column: string, raw: number, scale: number): number {
  const v = scale === 1 ? raw : Math.round(raw * scale);
  if (!Number.isSafeInteger(v)) throw bad(column, raw);
  return v;
}

export function int64Data(column: string, values: ReadonlyArray<number | null>): arrow.Data<arrow.Int64> {
  const { nullBitmap, nullCount } = validity(values.length, (i) => values[i] === null || values[i] === undefined);
  return arrow.makeData({
    type: new arrow.Int64(), length: values.length, nullCount, nullBitmap,
    data: int64Words(column, values, 1),
  });
}

export function timestampData(column: string, values: ReadonlyArray<number | null>): arrow.Data<arrow.TimestampMicrosecond> {
  const { nullBitmap, nullCount } = validity(values.length, (i) => values[i] === null || values[i] === undefined);
  return arrow.makeData({
    type: new arrow.TimestampMicrosecond('UTC'), length: values.length, nullCount, nullBitmap,
    data: int64Words(column, values, 1000),
  });
}

/**
 * Delta `integer` is signed 32-bit. uid/gid are unsigned 32-bit in POSIX, so values of
 * 2^31 and above are stored as their two's-complement bit pattern (`unsigned` columns)
 * and read back with `>>> 0`.
 */
export function int32Data(column: string, values: ReadonlyArray<number | null>, unsigned: boolean): arrow.Data<arrow.Int32> {
  const n = values.length;
  const data = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    data[i] = int32Value(column, v, unsigned);
  }
  const { nullBitmap, nullCount } = validity(n, (i) => values[i] === null || values[i] === undefined);
  return arrow.makeData({ type: new arrow.Int32(), length: n, nullCount, nullBitmap, data });
}

/** A 32-bit column value as stored (unsigned ones as their two's-complement pattern). */
export function int32Value(column: string, v: number, unsigned: boolean): number {
  const lo = unsigned ? 0 : -2147483648;
  const hi = unsigned ? 4294967295 : 2147483647;
  if (!Number.isInteger(v) || v < lo || v > hi) throw bad(column, v);
  return v | 0;
}

/** list<struct<sha256, size>>: one offsets array per row, flat children for all chunks. */
export function chunksData(values: ReadonlyArray<ChunkRef[] | null>): arrow.Data<arrow.List> {
  const n = values.length;
  const valueOffsets = new Int32Array(n + 1);
  const shas: string[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v) {
      if (!Array.isArray(v)) throw bad('chunks', v);
      for (const c of v) { shas.push(c.sha256); sizes.push(c.size); }
    }
    valueOffsets[i + 1] = shas.length;
  }
  const m = shas.length;
  const child = arrow.makeData({
    type: chunkStructType, length: m, nullCount: 0,
    children: [utf8Data('chunks.sha256', shas), int64Data('chunks.size', sizes)],
  });
  const { nullBitmap, nullCount } = validity(n, (i) => values[i] === null || values[i] === undefined);
  const type = new arrow.List(new arrow.Field('element', chunkStructType, true));
  return arrow.makeData({ type, length: n, nullCount, nullBitmap, valueOffsets, child });
}
