// Parquet -> JS column arrays, for the data files our own writer produces
// (smallParquet.ts): one row group, v1 data pages, PLAIN or dictionary values, RLE/bit-packed
// levels, UNCOMPRESSED or ZSTD column chunks. Reading them through parquet-wasm and Arrow
// cost a directory listing most of its time (wasm calls, an IPC stream, Arrow vectors, then
// our column readers over those); here the footer and pages are decoded straight into the
// arrays decode.ts assembles rows from, and only the columns (and rows) asked for.
// openParquet() says undefined for any file it does not fully understand (another writer,
// several row groups, an unexpected schema): the caller reads those with parquet-wasm.
// Anything unexpected inside a page throws; the caller falls back on that too.
import zstd from 'zstd-napi';
import type { ChunkRef } from './OpRecord.js';
import {
  CREATED_BY, DATA_PAGE, DICTIONARY_PAGE, type Leaf as SchemaLeaf, LEAVES as SCHEMA_LEAVES, MAGIC, PLAIN,
  PLAIN_DICTIONARY, REPEATED, REQUIRED, RLE, RLE_DICTIONARY, UNCOMPRESSED, ZSTD,
} from './parquetFormat.js';
import { CType, ThriftReader, type ThriftStruct, type ThriftValue } from './thriftRead.js';

export type ColumnValue = string | number | Uint8Array | ChunkRef[] | null;
export type ColumnValues = ColumnValue[];

const TWO_32 = 4294967296;

/** How a leaf's values become JS values. */
type ValueKind = Pick<SchemaLeaf, 'phys' | 'unsigned' | 'divisor'>;

interface Leaf {
  kind: ValueKind;
  codec: number;
  /** Byte range of the column chunk (dictionary page first, if any). */
  start: number;
  end: number;
  numValues: number;
  maxDef: number;
  maxRep: number;
}

export interface ParquetFile {
  bytes: Uint8Array;
  numRows: number;
  /** Leaves by dotted path (`name`, or `chunks.list.element.sha256`). */
  leaves: Map<string, Leaf>;
}

/** One schema element as the footer lists it. */
interface SchemaNode { type?: number; repetition: number; converted?: number; path: string; chain: number[] }

const num = (v: ThriftValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const struct = (v: ThriftValue | undefined): ThriftStruct | undefined =>
  (v !== undefined && typeof v === 'object' && !(v instanceof Uint8Array) && !Array.isArray(v) ? v : undefined);
const list = (v: ThriftValue | undefined): ThriftValue[] => (Array.isArray(v) ? v : []);
const text = (v: ThriftValue | undefined): string | undefined => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8') : undefined);

/** Leaf paths of the schema with their repetition chains (root excluded), depth first. */
function schemaLeaves(elements: ThriftValue[]): Map<string, SchemaNode> {
  const out = new Map<string, SchemaNode>();
  let i = 1;
  const walk = (count: number, prefix: string, chain: number[]): void => {
    for (let k = 0; k < count; k++) {
      const e = struct(elements[i++]);
      const name = text(e?.[4]);
      if (!e || name === undefined) throw new Error('parquet: bad schema element');
      const path = prefix ? `${prefix}.${name}` : name;
      const node: SchemaNode = { type: num(e[1]), repetition: num(e[3]) ?? REQUIRED, converted: num(e[6]), path, chain: [...chain, num(e[3]) ?? REQUIRED] };
      const children = num(e[5]) ?? 0;
      if (children > 0) walk(children, path, node.chain);
      else out.set(path, node);
    }
  };
  walk(num(struct(elements[0])?.[5]) ?? 0, '', []);
  if (i !== elements.length) throw new Error('parquet: schema elements left over');
  return out;
}

/** What each leaf of our schema must look like, by dotted path. */
const EXPECTED = new Map(SCHEMA_LEAVES.map((l) => [l.path.join('.'), l]));

/** What openParquet needs of a column chunk's metadata. */
interface ChunkMeta {
  elsewhere: boolean; type?: number; path: string; codec?: number; numValues?: number;
  size?: number; data?: number; dict?: number;
}

/** What openParquet needs of the footer (FileMetaData); statistics and the rest are skipped. */
interface Footer { schema?: Uint8Array; numRows?: number; createdBy?: string; groups: Array<{ numRows?: number; chunks: ChunkMeta[] }> }

/** An integer field's value, or undefined (skipped) when the field has another type. */
function intField(r: ThriftReader, type: number): number | undefined {
  if (type === CType.I16 || type === CType.I32 || type === CType.I64) return r.int();
  r.skipValue(type);
  return undefined;
}

/** Calls `each` for every element of a list field of structs (a field of another type is skipped). */
function structList(r: ThriftReader, type: number, each: () => void): void {
  if (type !== CType.LIST) { r.skipValue(type); return; }
  const { size, elem } = r.listHeader();
  for (let i = 0; i < size; i++) {
    if (elem === CType.STRUCT) each();
    else r.skipValue(elem);
  }
}

function readFooter(r: ThriftReader): Footer {
  const f: Footer = { groups: [] };
  r.fields((id, type) => {
    if (id === 2 && type === CType.LIST) {
      const at = r.pos;
      r.skipValue(type);
      f.schema = r.buf.subarray(at, r.pos);
    } else if (id === 3) f.numRows = intField(r, type);
    else if (id === 4) structList(r, type, () => f.groups.push(readRowGroup(r)));
    else if (id === 6 && type === CType.BINARY) f.createdBy = text(r.binary());
    else r.skipValue(type);
  });
  return f;
}

function readRowGroup(r: ThriftReader): Footer['groups'][number] {
  const g: Footer['groups'][number] = { chunks: [] };
  r.fields((id, type) => {
    if (id === 1) structList(r, type, () => g.chunks.push(readColumnChunk(r)));
    else if (id === 3) g.numRows = intField(r, type);
    else r.skipValue(type);
  });
  return g;
}

function readColumnChunk(r: ThriftReader): ChunkMeta {
  const c: ChunkMeta = { elsewhere: false, path: '' };
  r.fields((id, type) => {
    if (id === 1) { c.elsewhere = true; r.skipValue(type); } // file_path: data in another file
    else if (id === 3 && type === CType.STRUCT) {
      r.fields((mid, mtype) => {
        switch (mid) {
          case 1: c.type = intField(r, mtype); break;
          case 3: c.path = mtype === CType.LIST ? pathOf(r) : (r.skipValue(mtype), ''); break;
          case 4: c.codec = intField(r, mtype); break;
          case 5: c.numValues = intField(r, mtype); break;
          case 7: c.size = intField(r, mtype); break;
          case 9: c.data = intField(r, mtype); break;
          case 11: c.dict = intField(r, mtype); break;
          default: r.skipValue(mtype);
        }
      });
    } else r.skipValue(type);
  });
  return c;
}

/** path_in_schema as a dotted path. */
function pathOf(r: ThriftReader): string {
  const { size, elem } = r.listHeader();
  let path = '';
  for (let i = 0; i < size; i++) {
    if (elem !== CType.BINARY) throw new Error('parquet: bad path_in_schema');
    path += (i ? '.' : '') + text(r.binary());
  }
  return path;
}

/** The schema of the last file opened, by its footer bytes: every file we write has the same. */
let lastSchema: { bytes: Buffer; leaves: Map<string, SchemaNode> } | undefined;

function schemaOf(bytes: Uint8Array): Map<string, SchemaNode> {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (lastSchema && lastSchema.bytes.equals(b)) return lastSchema.leaves;
  const leaves = schemaLeaves(list(new ThriftReader(bytes, 0).value(CType.LIST)));
  lastSchema = { bytes: Buffer.from(b), leaves };
  return leaves;
}

/**
 * The layout of a data file our writer wrote, or undefined when the file is not one this
 * reader fully understands (read it with parquet-wasm). Throws on a malformed footer.
 */
export function openParquet(bytes: Uint8Array): ParquetFile | undefined {
  const n = bytes.length;
  if (n < 12 || !isMagic(bytes, 0) || !isMagic(bytes, n - 4)) return undefined;
  const footerLen = u32le(bytes, n - 8);
  if (footerLen <= 0 || footerLen > n - 12) return undefined;
  const dataEnd = n - 8 - footerLen;
  const meta = readFooter(new ThriftReader(bytes.subarray(0, n - 8), dataEnd));
  if (meta.createdBy !== CREATED_BY || !meta.schema) return undefined;
  const { numRows, groups } = meta;
  const group = groups[0];
  if (groups.length !== 1 || numRows === undefined || !group || group.numRows !== numRows) return undefined;
  const schema = schemaOf(meta.schema);
  const leaves = new Map<string, Leaf>();
  for (const c of group.chunks) {
    if (c.elsewhere) return undefined;
    const node = schema.get(c.path);
    const want = EXPECTED.get(c.path);
    if (!node || !want) return undefined;
    if (node.type !== want.type || c.type !== want.type || node.converted !== want.converted || !sameChain(node.chain, want.chain)) return undefined;
    const { codec, data, dict, size, numValues } = c;
    if (codec !== UNCOMPRESSED && codec !== ZSTD) return undefined;
    if (data === undefined || size === undefined || numValues === undefined) return undefined;
    const start = dict !== undefined && dict > 0 && dict < data ? dict : data;
    if (start < 4 || start + size > dataEnd) return undefined;
    leaves.set(c.path, {
      kind: want, codec, start, end: start + size, numValues,
      maxDef: node.chain.filter((r) => r !== REQUIRED).length, maxRep: node.chain.filter((r) => r === REPEATED).length,
    });
  }
  // A schema leaf without a column chunk, or the chunk leaves apart: not a file we know.
  if (leaves.size !== schema.size) return undefined;
  if (leaves.has('chunks.list.element.sha256') !== leaves.has('chunks.list.element.size')) return undefined;
  return { bytes, numRows, leaves };
}

function sameChain(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The little-endian uint32 at `p` (a footer, level or value length). */
function u32le(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

function isMagic(b: Uint8Array, at: number): boolean {
  for (let i = 0; i < MAGIC.length; i++) if (b[at + i] !== MAGIC[i]) return false;
  return true;
}

/** Whether the file has this top-level column (a column missing from an older file reads as null). */
export function hasColumn(file: ParquetFile, name: string): boolean {
  return name === 'chunks' ? file.leaves.has('chunks.list.element.sha256') : file.leaves.has(name);
}

/**
 * The values of a top-level column, one per row (null where the row has none), or only of
 * the rows `want` marks (the others stay null).
 */
export function readColumn(file: ParquetFile, name: string, want?: Uint8Array): ColumnValues {
  if (name === 'chunks') return readChunkColumn(file, want);
  const leaf = file.leaves.get(name);
  if (!leaf || leaf.maxRep !== 0) throw new Error(`parquet: no flat column ${name}`);
  const out: ColumnValues = new Array(file.numRows).fill(null);
  const rows = readLeaf(file, leaf, out, want);
  if (rows !== file.numRows) throw new Error(`parquet: column ${name} has ${rows} rows, not ${file.numRows}`);
  return out;
}

/** The chunks column: list<struct<sha256, size>> from its two leaves. */
function readChunkColumn(file: ParquetFile, want?: Uint8Array): ColumnValues {
  const shaLeaf = file.leaves.get('chunks.list.element.sha256');
  const sizeLeaf = file.leaves.get('chunks.list.element.size');
  if (!shaLeaf || !sizeLeaf) throw new Error('parquet: no chunks column');
  const shas = new RepeatedValues(file.numRows);
  const sizes = new RepeatedValues(file.numRows);
  readLeaf(file, shaLeaf, shas, want);
  readLeaf(file, sizeLeaf, sizes, want);
  shas.check(file.numRows);
  sizes.check(file.numRows);
  const out: ColumnValues = new Array(file.numRows).fill(null);
  for (let r = 0; r < file.numRows; r++) {
    if (want && !want[r]) continue;
    const from = shas.offsets[r]!;
    const to = shas.offsets[r + 1]!;
    if (shas.isNull[r] !== sizes.isNull[r] || from !== sizes.offsets[r] || to !== sizes.offsets[r + 1]) {
      throw new Error('parquet: chunks leaves disagree');
    }
    if (shas.isNull[r]) continue;
    const refs = new Array<ChunkRef>(to - from);
    for (let j = from; j < to; j++) refs[j - from] = { sha256: shas.values[j] as string, size: sizes.values[j] as number };
    out[r] = refs;
  }
  return out;
}

/** Where the values of a list leaf go: per row null or the range of its elements. */
class RepeatedValues {
  readonly isNull: Uint8Array;
  readonly offsets: Int32Array;
  readonly values: ColumnValue[] = [];
  rows = 0;

  constructor(numRows: number) {
    this.isNull = new Uint8Array(numRows);
    this.offsets = new Int32Array(numRows + 1);
  }

  check(numRows: number): void {
    if (this.rows !== numRows) throw new Error(`parquet: list column has ${this.rows} rows, not ${numRows}`);
  }
}

/** A page's levels and dictionary indices, reused from page to page (a listing reads ~60). */
let defScratch = new Uint8Array(1024);
let repScratch = new Uint8Array(1024);
let idxScratch = new Uint32Array(1024);

/**
 * Reads every page of a leaf into `sink`: a flat column's values (one per row) or a list
 * leaf's RepeatedValues. Returns the number of rows seen.
 */
function readLeaf(file: ParquetFile, leaf: Leaf, sink: ColumnValues | RepeatedValues, want: Uint8Array | undefined): number {
  const { bytes } = file;
  let pos = leaf.start;
  let seen = 0;
  let row = 0;
  let dict: ColumnValue[] | undefined;
  const list = sink instanceof RepeatedValues ? sink : undefined;
  const headers = new ThriftReader(bytes.subarray(0, leaf.end), pos);
  while (pos < leaf.end) {
    headers.pos = pos;
    const header = headers.struct();
    const type = num(header[1]);
    const rawSize = num(header[2]);
    const zSize = num(header[3]);
    pos = headers.pos;
    if (rawSize === undefined || zSize === undefined || pos + zSize > leaf.end) throw new Error('parquet: bad page header');
    const stored = bytes.subarray(pos, pos + zSize);
    pos += zSize;
    if (type === DICTIONARY_PAGE) {
      const dh = struct(header[7]);
      const count = num(dh?.[1]);
      const enc = num(dh?.[2]);
      if (count === undefined || (enc !== PLAIN && enc !== PLAIN_DICTIONARY) || dict) throw new Error('parquet: bad dictionary page');
      dict = new Array<ColumnValue>(count);
      const page = inflate(stored, rawSize, leaf.codec);
      if (plainValues(page, 0, leaf.kind, count, dict, 0, undefined) !== page.length) throw new Error('parquet: dictionary page size');
      continue;
    }
    if (type !== DATA_PAGE) throw new Error(`parquet: page type ${type}`);
    const dh = struct(header[5]);
    const count = num(dh?.[1]);
    const enc = num(dh?.[2]);
    if (!dh || count === undefined || count + seen > leaf.numValues) throw new Error('parquet: bad data page header');
    if ((leaf.maxDef > 0 && num(dh[3]) !== RLE) || (leaf.maxRep > 0 && num(dh[4]) !== RLE)) throw new Error('parquet: level encoding');
    // A flat page none of whose rows is wanted is skipped without decompressing it.
    if (want && leaf.maxRep === 0 && !anySet(want, row, row + count)) {
      seen += count;
      row += count;
      continue;
    }
    const page = inflate(stored, rawSize, leaf.codec);
    let p = 0;
    if (count > defScratch.length) { defScratch = new Uint8Array(count); repScratch = new Uint8Array(count); }
    const reps = repScratch;
    const defs = defScratch;
    if (leaf.maxRep > 0) p = levels(page, p, leaf.maxRep, count, reps);
    if (leaf.maxDef > 0) p = levels(page, p, leaf.maxDef, count, defs);
    else defs.fill(0, 0, count);
    const valued = leaf.maxDef > 0 ? countEqual(defs, count, leaf.maxDef) : count;
    // Values land in `target` (one per non-null level), then are spread over rows / lists.
    const target = list ? list.values : (pageValues.length = 0, pageValues);
    const base = target.length;
    target.length = base + valued;
    const mask = want ? valueMask(defs, reps, count, leaf, row, want, list ? list.rows : row) : undefined;
    if (enc === PLAIN) {
      p = plainValues(page, p, leaf.kind, valued, target, base, mask);
      if (p !== page.length) throw new Error('parquet: page size');
    } else if (enc === RLE_DICTIONARY || enc === PLAIN_DICTIONARY) {
      if (!dict) throw new Error('parquet: dictionary page missing');
      dictValues(page, p, dict, leaf.kind, valued, target, base, mask);
    } else {
      throw new Error(`parquet: encoding ${enc}`);
    }
    if (sink instanceof RepeatedValues) {
      spreadList(sink, defs, reps, count, leaf.maxDef);
    } else {
      spreadFlat(sink, target, defs, count, leaf.maxDef, row);
      row += count;
    }
    seen += count;
  }
  if (seen !== leaf.numValues) throw new Error('parquet: column chunk holds fewer values than its metadata says');
  return list ? list.rows : row;
}

/** Values of the current page of a flat column (reused). */
const pageValues: ColumnValues = [];

function anySet(want: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to && i < want.length; i++) if (want[i]) return true;
  return false;
}

function countEqual(levels: Uint8Array, count: number, v: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) if (levels[i] === v) n++;
  return n;
}

/** Which of a page's values belong to wanted rows (1 per value). */
function valueMask(defs: Uint8Array, reps: Uint8Array, count: number, leaf: Leaf, firstRow: number, want: Uint8Array, listRows: number): Uint8Array {
  const mask = new Uint8Array(count);
  let k = 0;
  let row = leaf.maxRep > 0 ? listRows - 1 : firstRow - 1;
  for (let i = 0; i < count; i++) {
    if (leaf.maxRep === 0 || reps[i] === 0) row++;
    if (defs[i] === leaf.maxDef) mask[k++] = want[row] ?? 0;
  }
  return mask;
}

function spreadFlat(out: ColumnValues, vals: ColumnValues, defs: Uint8Array, count: number, maxDef: number, row: number): void {
  if (maxDef === 0) {
    for (let i = 0; i < count; i++) if (vals[i] !== undefined) out[row + i] = vals[i]!;
    return;
  }
  let k = 0;
  for (let i = 0; i < count; i++) {
    if (defs[i] !== maxDef) continue;
    const v = vals[k++];
    if (v !== undefined) out[row + i] = v; // undefined: a value of a row not wanted
  }
}

/** List levels (optional list, repeated group, optional element, required leaf) -> rows. */
function spreadList(sink: RepeatedValues, defs: Uint8Array, reps: Uint8Array, count: number, maxDef: number): void {
  let row = sink.rows - 1;
  let elements = sink.offsets[sink.rows]!;
  for (let i = 0; i < count; i++) {
    if (reps[i] === 0) {
      row++;
      if (row >= sink.isNull.length) throw new Error('parquet: more list rows than the file has');
      sink.isNull[row] = defs[i] === 0 ? 1 : 0;
    } else if (row < 0) {
      throw new Error('parquet: list page starts inside a row');
    }
    if (defs[i] === maxDef) elements++;
    else if (defs[i] !== 0 && defs[i] !== 1) throw new Error('parquet: null list element'); // not in our schema's data
    sink.offsets[row + 1] = elements;
  }
  sink.rows = row + 1;
}

/** One decompressor for every page: zstd.decompress() resets and re-maps parameters per call. */
let decompressor: zstd.Decompressor | undefined;

function inflate(stored: Uint8Array, rawSize: number, codec: number): Uint8Array {
  const page = codec === ZSTD ? (decompressor ??= new zstd.Decompressor()).decompress(stored) : stored;
  if (page.length !== rawSize) throw new Error('parquet: page size differs from its header');
  return page;
}

/** v1 levels: 4-byte length, then the RLE/bit-packed hybrid. Returns the position after. */
function levels(page: Uint8Array, p: number, max: number, count: number, out: Uint8Array): number {
  if (p + 4 > page.length) throw new Error('parquet: truncated levels');
  const len = u32le(page, p);
  const end = p + 4 + len;
  if (end > page.length) throw new Error('parquet: truncated levels');
  hybrid(page, p + 4, end, 32 - Math.clz32(max), count, out);
  for (let i = 0; i < count; i++) if (out[i]! > max) throw new Error('parquet: level out of range');
  return end;
}

/** Decodes `count` values of the RLE/bit-packed hybrid encoding; returns the end position. */
export function hybrid(b: Uint8Array, p: number, end: number, width: number, count: number, out: Uint8Array | Uint32Array): number {
  if (width > 24) throw new Error('parquet: bit width');
  const bytesPer = (width + 7) >> 3;
  const mask = width === 0 ? 0 : (1 << width) - 1;
  let i = 0;
  while (i < count) {
    let header = 0;
    let mul = 1;
    for (;;) {
      if (p >= end) throw new Error('parquet: truncated hybrid run');
      const x = b[p++]!;
      header += (x & 0x7f) * mul;
      if (x < 0x80) break;
      mul *= 128;
    }
    if (header % 2 === 1) {
      // Bit-packed: groups of 8 values, least significant bits first.
      const n = ((header - 1) / 2) * 8;
      const stop = p + (n / 8) * width;
      if (stop > end) throw new Error('parquet: truncated bit-packed run');
      let acc = 0;
      let bits = 0;
      for (let k = 0; k < n && i < count; k++) {
        while (bits < width) { acc |= b[p++]! << bits; bits += 8; }
        out[i++] = acc & mask;
        acc >>>= width;
        bits -= width;
      }
      p = stop;
    } else {
      const run = header / 2;
      if (p + bytesPer > end) throw new Error('parquet: truncated RLE run');
      let v = 0;
      for (let k = 0; k < bytesPer; k++) v += b[p++]! * 2 ** (8 * k);
      const to = Math.min(count, i + run);
      out.fill(v, i, to);
      i = to;
    }
  }
  return p;
}

/** Dictionary indices (bit width byte, then the hybrid) -> values. */
function dictValues(page: Uint8Array, p: number, dict: ColumnValues, kind: ValueKind, count: number, out: ColumnValues, base: number, mask: Uint8Array | undefined): void {
  if (count === 0) return;
  if (p >= page.length) throw new Error('parquet: truncated dictionary indices');
  const width = page[p]!;
  if (count > idxScratch.length) idxScratch = new Uint32Array(count);
  const idx = idxScratch;
  hybrid(page, p + 1, page.length, width, count, idx);
  for (let k = 0; k < count; k++) {
    if (mask && !mask[k]) continue;
    const v = dict[idx[k]!];
    if (v === undefined) throw new Error('parquet: dictionary index out of range');
    // Binary values are copied, so rows never share (and never alias) one buffer.
    out[base + k] = kind.phys === 'binary' ? new Uint8Array(v as Uint8Array) : v;
  }
}

/**
 * `count` PLAIN values from `p` into out[base..]: only those `mask` marks, when given (the
 * others are skipped, not decoded). Returns the position after the last value.
 */
function plainValues(page: Uint8Array, p: number, kind: ValueKind, count: number, out: ColumnValues, base: number, mask: Uint8Array | undefined): number {
  switch (kind.phys) {
    case 'int32': {
      if (p + 4 * count > page.length) throw new Error('parquet: truncated INT32 values');
      const dv = new DataView(page.buffer, page.byteOffset, page.byteLength);
      for (let k = 0; k < count; k++, p += 4) {
        if (mask && !mask[k]) continue;
        out[base + k] = kind.unsigned ? dv.getUint32(p, true) : dv.getInt32(p, true);
      }
      return p;
    }
    case 'int64': {
      if (p + 8 * count > page.length) throw new Error('parquet: truncated INT64 values');
      const dv = new DataView(page.buffer, page.byteOffset, page.byteLength);
      const div = kind.divisor;
      for (let k = 0; k < count; k++, p += 8) {
        if (mask && !mask[k]) continue;
        const v = dv.getInt32(p + 4, true) * TWO_32 + dv.getUint32(p, true);
        out[base + k] = div === 1 ? v : v / div;
      }
      return p;
    }
    default: {
      const buf = Buffer.from(page.buffer, page.byteOffset, page.byteLength);
      const utf8 = kind.phys === 'utf8';
      // An all-ASCII page (ids, hashes, most names) is made a string once and cut with
      // substring(), which shares its characters: one native call instead of one per value.
      // The page's string then lives as long as any of its values (at most the page's size).
      const ascii = utf8 && count > 8 ? asciiString(buf, p) : undefined;
      for (let k = 0; k < count; k++) {
        if (p + 4 > page.length) throw new Error('parquet: truncated BYTE_ARRAY value');
        const len = u32le(page, p);
        const s = p + 4;
        p = s + len;
        if (p > page.length) throw new Error('parquet: truncated BYTE_ARRAY value');
        if (mask && !mask[k]) continue;
        // A copy for binary, so one row's content does not pin the whole page (or file).
        if (ascii !== undefined) out[base + k] = ascii.substring(s, p);
        else out[base + k] = utf8 ? buf.toString('utf8', s, p) : new Uint8Array(page.subarray(s, p));
      }
      return p;
    }
  }
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The page from `from` as a string whose indices are the page's byte offsets (latin1), if
 * every byte is ASCII (then latin1 and UTF-8 agree); undefined otherwise. Length prefixes
 * are bytes too: a length of 128 or more makes the page take the per-value path.
 */
function asciiString(buf: Buffer, from: number): string | undefined {
  const str = buf.toString('latin1');
  return NON_ASCII.test(from === 0 ? str : str.slice(from)) ? undefined : str;
}
