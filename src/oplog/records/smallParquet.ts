// Records -> Parquet written directly in JS. parquet-wasm costs ~1.5 ms per file whatever
// its size (Arrow IPC in, writer setup, a fresh zstd context for each of 22 columns), and
// an import touching 1,000 directories writes 1,000 files of ~20 rows. This writer
// produces what parquet-wasm produces: the same schema (types, logical and converted
// types, repetition, the ARROW:schema key so Arrow readers restore the exact Arrow types),
// one row group, v1 data pages cut as parquet-rs cuts them (PLAIN; dictionary-encoded for
// DICTIONARY_COLUMNS from DICTIONARY_MIN_ROWS rows), RLE levels, zstd level 1 per page
// (tiny or incompressible one-page column chunks UNCOMPRESSED: see TINY_PAGE_BYTES),
// and the same column statistics (no min/max on content). Files of more than one row
// group stay with parquet-wasm.
import * as arrow from 'apache-arrow';
import zstd from 'zstd-napi';
import { PondError } from '../../errors.js';
import { bad, int32Value, int64Value, nullInRequired } from './build.js';
import type { FileRow } from './OpRecord.js';
import {
  CONVERTED_LIST, CREATED_BY as WRITER, DATA_PAGE, DICTIONARY_PAGE, LEAVES as SCHEMA_LEAVES, MAGIC, OPTIONAL,
  PLAIN, REPEATED, REQUIRED, RLE, RLE_DICTIONARY, UNCOMPRESSED, ZSTD,
} from './parquetFormat.js';
import { DATA_COLUMNS, dataSchema } from './schema.js';
import { ByteSink } from './thrift.js';

/** The leaves, with their path UTF-8 encoded once for the footers. */
const LEAVES = SCHEMA_LEAVES.map((l) => ({ ...l, pathBytes: l.path.map((p) => Buffer.from(p)) }));
type Leaf = (typeof LEAVES)[number];

/** Columns whose values repeat: dictionary-encoded in files of DICTIONARY_MIN_ROWS rows or more. */
export const DICTIONARY_COLUMNS = new Set(['kind', 'op', 'child_part', 'mode', 'uid', 'gid']);
export const DICTIONARY_MIN_ROWS = 256;
/** parquet-rs's row group size: larger files (several row groups) go to parquet-wasm. */
export const JS_MAX_ROWS = 1024 * 1024;
/** parquet-rs's write batch and data page size: a page ends after the batch that fills it. */
const PAGE_BATCH_ROWS = 1024;
const PAGE_BYTES = 1024 * 1024;
/** zstd level parquet-rs uses for Compression::ZSTD by default. */
const ZSTD_LEVEL = 1;
/**
 * Pages below this many bytes are stored UNCOMPRESSED: a zstd frame costs ~10 bytes of its
 * own, so they rarely shrink, and an import would make a native call for each of the ~22
 * such pages of every small directory's file.
 * Parquet names the codec per column chunk, so a one-page chunk (the usual case) also
 * stays UNCOMPRESSED whenever zstd does not shrink it.
 */
const TINY_PAGE_BYTES = 64;
/** Longest min/max statistic (parquet-rs's default truncation): longer ones are cut to a bound. */
const STAT_MAX_BYTES = 64;

/** Statistics of one column chunk: min/max as Parquet's PLAIN bytes, or absent. */
interface Stats { nullCount: number; min?: Uint8Array; max?: Uint8Array; minExact?: boolean; maxExact?: boolean }

interface Page { values: number; stats: Stats }

/** Encodes one column's values (non-null only) in PLAIN, tracking min and max. */
class ValueWriter {
  nulls = 0;
  private minNum = Infinity;
  private maxNum = -Infinity;
  // String min/max: offsets into the page being written, or into own copies (`minSrc`,
  // `maxSrc`) once that page is done and its buffer reused.
  private minAt = -1; private minLen = 0; private minSrc: Buffer | undefined;
  private maxAt = -1; private maxLen = 0; private maxSrc: Buffer | undefined;

  constructor(private readonly sink: ByteSink, private readonly leaf: Leaf) {}

  write(v: unknown): void {
    const { sink, leaf } = this;
    switch (leaf.phys) {
      case 'utf8': {
        if (typeof v !== 'string') throw bad(leaf.column, v);
        const at = sink.pos;
        sink.u32le(0);
        const n = sink.utf8(v);
        sink.buf.writeUInt32LE(n, at);
        this.track(at + 4, n);
        return;
      }
      case 'binary': {
        if (!(v instanceof Uint8Array)) throw bad(leaf.column, v);
        sink.u32le(v.length);
        sink.bytes(v);
        return; // no min/max: content is long and nobody filters on it
      }
      case 'int32': {
        const x = int32Value(leaf.column, v as number, leaf.unsigned);
        sink.i32le(x);
        this.trackNum(x);
        return;
      }
      case 'int64': {
        const x = int64Value(leaf.column, v as number, leaf.divisor);
        sink.i64le(x);
        this.trackNum(x);
      }
    }
  }

  private trackNum(x: number): void {
    if (x < this.minNum) this.minNum = x;
    if (x > this.maxNum) this.maxNum = x;
  }

  /** Byte strings compare unsigned, byte by byte (Parquet's order for UTF8). */
  private track(at: number, len: number): void {
    const b = this.sink.buf;
    if (this.minAt < 0 || b.compare(this.minSrc ?? b, this.minAt, this.minAt + this.minLen, at, at + len) < 0) {
      this.minAt = at; this.minLen = len; this.minSrc = undefined;
    }
    if (this.maxAt < 0 || b.compare(this.maxSrc ?? b, this.maxAt, this.maxAt + this.maxLen, at, at + len) > 0) {
      this.maxAt = at; this.maxLen = len; this.maxSrc = undefined;
    }
  }

  /** The page is written and its buffer will be reused: keep copies of min and max. */
  pageDone(): void {
    const b = this.sink.buf;
    if (this.minAt >= 0 && !this.minSrc) { this.minSrc = Buffer.from(b.subarray(this.minAt, this.minAt + this.minLen)); this.minAt = 0; }
    if (this.maxAt >= 0 && !this.maxSrc) { this.maxSrc = Buffer.from(b.subarray(this.maxAt, this.maxAt + this.maxLen)); this.maxAt = 0; }
  }

  stats(): Stats {
    const s: Stats = { nullCount: this.nulls };
    if (this.leaf.phys === 'int32' && this.minNum <= this.maxNum) {
      s.min = le32(this.minNum); s.max = le32(this.maxNum);
    } else if (this.leaf.phys === 'int64' && this.minNum <= this.maxNum) {
      s.min = le64(this.minNum); s.max = le64(this.maxNum);
    } else if (this.leaf.phys === 'utf8' && this.minAt >= 0 && this.minLen <= STAT_MAX_BYTES && this.maxLen <= STAT_MAX_BYTES) {
      s.min = Uint8Array.prototype.slice.call(this.minSrc ?? this.sink.buf, this.minAt, this.minAt + this.minLen);
      s.max = Uint8Array.prototype.slice.call(this.maxSrc ?? this.sink.buf, this.maxAt, this.maxAt + this.maxLen);
    } else if (this.leaf.phys === 'utf8' && this.minAt >= 0) {
      const min = (this.minSrc ?? this.sink.buf).toString('utf8', this.minAt, this.minAt + this.minLen);
      const max = (this.maxSrc ?? this.sink.buf).toString('utf8', this.maxAt, this.maxAt + this.maxLen);
      const lower = truncateUtf8(min);
      const upper = max.length === truncateUtf8(max).length ? max : incrementUtf8(truncateUtf8(max)) ?? max;
      s.min = Buffer.from(lower, 'utf8');
      s.max = Buffer.from(upper, 'utf8');
      s.minExact = lower === min;
      s.maxExact = upper === max;
    }
    return s;
  }
}

/** The longest prefix of whole characters within STAT_MAX_BYTES: still a lower bound. */
function truncateUtf8(s: string): string {
  if (s.length * 3 <= STAT_MAX_BYTES || Buffer.byteLength(s) <= STAT_MAX_BYTES) return s;
  let bytes = 0;
  let end = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + n > STAT_MAX_BYTES) break;
    bytes += n;
    end += ch.length;
  }
  return s.slice(0, end);
}

/**
 * An upper bound of every string starting with `s`: the last character that can grow
 * without changing its UTF-8 width is incremented and what follows it dropped (as
 * parquet-rs truncates max statistics); undefined when no character can.
 */
function incrementUtf8(s: string): string | undefined {
  const chars = [...s];
  for (let i = chars.length - 1; i >= 0; i--) {
    const cp = chars[i]!.codePointAt(0)!;
    const next = cp + 1 === 0xd800 ? 0xe000 : cp + 1;
    const width = (c: number): number => (c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4);
    if (next <= 0x10ffff && width(next) === width(cp)) return chars.slice(0, i).join('') + String.fromCodePoint(next);
  }
  return undefined;
}

function le32(v: number): Uint8Array { const s = new ByteSink(4); s.i32le(v); return s.view(); }
function le64(v: number): Uint8Array { const s = new ByteSink(8); s.i64le(v); return s.view(); }

/** RLE/bit-packed hybrid, RLE runs only, each value in `width` bytes (little-endian). */
function writeRle(sink: ByteSink, values: ArrayLike<number>, count: number, width: number): void {
  for (let i = 0; i < count;) {
    const v = values[i]!;
    let j = i + 1;
    while (j < count && values[j] === v) j++;
    sink.varint((j - i) * 2);
    for (let b = 0; b < width; b++) sink.u8((v >>> (8 * b)) & 0xff);
    i = j;
  }
}

/** Levels (bit width <= 2, so one byte per run value), 4-byte length prefix as in v1 pages. */
function writeLevels(sink: ByteSink, levels: Uint8Array, count: number): void {
  const at = sink.pos;
  sink.u32le(0);
  writeRle(sink, levels, count, 1);
  sink.buf.writeUInt32LE(sink.pos - at - 4, at);
}

/** The uncompressed v1 page of rows [start, end) of a top-level column into `sink`. */
function flatPage(rows: ReadonlyArray<FileRow>, leaf: Leaf, sink: ByteSink, levels: Uint8Array, values: ValueWriter, start: number, end: number): number {
  const key = leaf.column as keyof FileRow;
  if (leaf.required) {
    for (let i = start; i < end; i++) {
      const v = rows[i]![key];
      if (v === null || v === undefined) throw nullInRequired(leaf.column);
      values.write(v);
    }
    return end - start;
  }
  for (let i = start; i < end; i++) levels[i] = rows[i]![key] === null || rows[i]![key] === undefined ? 0 : 1;
  writeLevels(sink, levels.subarray(start, end), end - start);
  for (let i = start; i < end; i++) {
    if (levels[i]) values.write(rows[i]![key]);
    else values.nulls++;
  }
  return end - start;
}

/**
 * A dictionary-encoded column, as parquet-rs writes the DICTIONARY_COLUMNS of a file of
 * DICTIONARY_MIN_ROWS rows or more: the distinct values in first-seen order (PLAIN) into
 * `dict`, then the data page: levels, index bit width, RLE indices.
 */
function dictPage(rows: ReadonlyArray<FileRow>, leaf: Leaf, sink: ByteSink, dict: ByteSink, levels: Uint8Array): Page & { dictValues: number } {
  const key = leaf.column as keyof FileRow;
  const n = rows.length;
  const values = new ValueWriter(dict, leaf);
  const index = new Map<unknown, number>();
  const ids = new Uint32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = rows[i]![key];
    if (v === null || v === undefined) {
      if (leaf.required) throw nullInRequired(leaf.column);
      levels[i] = 0;
      values.nulls++;
      continue;
    }
    levels[i] = 1;
    let id = index.get(v);
    if (id === undefined) {
      values.write(v); // validates the value, once per distinct value
      id = index.size;
      index.set(v, id);
    }
    ids[m++] = id;
  }
  if (!leaf.required) writeLevels(sink, levels, n);
  const bitWidth = Math.max(1, Math.ceil(Math.log2(Math.max(index.size, 1))));
  sink.u8(bitWidth);
  writeRle(sink, ids, m, (bitWidth + 7) >> 3);
  return { values: n, stats: values.stats(), dictValues: index.size };
}

/**
 * Levels of chunks: list<struct<sha256, size>> (optional list, repeated group, optional
 * element, required fields): null row = def 0, empty list = def 1, element = def 3;
 * rep 1 continues the row's list.
 */
function chunkLevels(rows: ReadonlyArray<FileRow>): ChunkLevels {
  let count = 0;
  for (const r of rows) {
    const v = r.chunks;
    if (v !== null && v !== undefined && !Array.isArray(v)) throw bad('chunks', v);
    count += v && v.length > 0 ? v.length : 1;
  }
  const rep = new Uint8Array(count);
  const def = new Uint8Array(count);
  const rowStart = new Uint32Array(rows.length + 1);
  let k = 0;
  for (let i = 0; i < rows.length; i++) {
    rowStart[i] = k;
    const v = rows[i]!.chunks;
    if (!v) { def[k++] = 0; continue; }
    if (v.length === 0) { def[k++] = 1; continue; }
    for (let j = 0; j < v.length; j++) { rep[k] = j === 0 ? 0 : 1; def[k++] = 3; }
  }
  rowStart[rows.length] = k;
  return { rep, def, rowStart };
}

interface ChunkLevels { rep: Uint8Array; def: Uint8Array; rowStart: Uint32Array }

/** The page of rows [start, end) of a chunks leaf (pages end at row boundaries, rep 0). */
function chunkPage(rows: ReadonlyArray<FileRow>, leaf: Leaf, sink: ByteSink, lv: ChunkLevels, values: ValueWriter, start: number, end: number): number {
  const from = lv.rowStart[start]!;
  const to = lv.rowStart[end]!;
  writeLevels(sink, lv.rep.subarray(from, to), to - from);
  writeLevels(sink, lv.def.subarray(from, to), to - from);
  const field = leaf.path[3] as 'sha256' | 'size';
  for (let i = start; i < end; i++) {
    const list = rows[i]!.chunks;
    if (!list || list.length === 0) { values.nulls++; continue; }
    for (const c of list) values.write(c[field]);
  }
  return to - from;
}

/**
 * Row boundaries of a column's pages, as parquet-rs cuts them: batches of PAGE_BATCH_ROWS
 * rows, a new page once the values of the current one reach PAGE_BYTES (estimated).
 */
function pageBounds(rows: ReadonlyArray<FileRow>, leaf: Leaf): number[] {
  const n = rows.length;
  if (n <= PAGE_BATCH_ROWS) return [0, n];
  const key = leaf.column as keyof FileRow;
  const field = leaf.path[3] as 'sha256' | 'size' | undefined;
  const fixed = leaf.phys === 'int32' ? 4 : leaf.phys === 'int64' ? 8 : 0;
  const bounds = [0];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    if (field) {
      const list = rows[i]!.chunks;
      bytes += (list?.length ?? 0) * (fixed || 68);
    } else if (fixed) {
      bytes += fixed;
    } else {
      const v = rows[i]![key] as { length?: number } | null;
      bytes += 4 + (v?.length ?? 0);
    }
    if ((i + 1) % PAGE_BATCH_ROWS === 0 && bytes >= PAGE_BYTES && i + 1 < n) { bounds.push(i + 1); bytes = 0; }
  }
  bounds.push(n);
  return bounds;
}

interface Written {
  leaf: Leaf; offset: number; dictOffset?: number; values: number; compressed: number; uncompressed: number; stats: Stats;
  codec: number;
}

/**
 * The pages of a one-data-page column chunk (with its dictionary page, if any) compressed
 * with zstd, or undefined to store them UNCOMPRESSED (Parquet's codec is per column
 * chunk): every page tiny, or zstd does not shrink them. Chunks of several data pages
 * always use zstd, as before.
 */
function compressChunk(raws: Uint8Array[]): Uint8Array[] | undefined {
  if (raws.every((r) => r.length < TINY_PAGE_BYTES)) return undefined;
  const zs = raws.map((r) => compressor().compress(r));
  if (sum(zs) >= sum(raws)) return undefined;
  return zs;
}

function sum(bufs: Uint8Array[]): number {
  let n = 0;
  for (const b of bufs) n += b.length;
  return n;
}

/** Writes `raw` (or its compressed form `z`) behind a PageHeader: a data page, or a dictionary page. */
function writePage(out: ByteSink, raw: Uint8Array, z: Uint8Array, page: { values: number; encoding: number } | { dictValues: number }): { compressed: number; uncompressed: number } {
  const at = out.pos;
  out.begin(); // PageHeader
  if ('dictValues' in page) {
    out.i32(1, DICTIONARY_PAGE);
    out.i32(2, raw.length);
    out.i32(3, z.length);
    out.struct(7); // DictionaryPageHeader
    out.i32(1, page.dictValues);
    out.i32(2, PLAIN);
    out.end();
  } else {
    out.i32(1, DATA_PAGE);
    out.i32(2, raw.length);
    out.i32(3, z.length);
    out.struct(5); // DataPageHeader
    out.i32(1, page.values);
    out.i32(2, page.encoding);
    out.i32(3, RLE);
    out.i32(4, RLE);
    out.end();
  }
  out.end();
  const header = out.pos - at;
  out.bytes(z);
  return { compressed: header + z.length, uncompressed: header + raw.length };
}

/**
 * Encodes rows (all of one partition; their part_id is not stored) as a one-row-group
 * Parquet file. Given `nullCounts`, sets each top-level column's count of null values in
 * it (the writer counts them anyway; Delta's add.stats wants them too).
 */
export function encodeSmallParquet(rows: ReadonlyArray<FileRow>, nullCounts?: Map<string, number>): Uint8Array {
  if (rows.length > JS_MAX_ROWS) throw new PondError('EINVAL', `${rows.length} rows exceed ${JS_MAX_ROWS} for one row group`, { op: 'encode' });
  const { out, page, dict } = sinks();
  out.bytes(MAGIC);
  const levels = new Uint8Array(rows.length);
  const useDict = rows.length >= DICTIONARY_MIN_ROWS;
  let chunkLv: ChunkLevels | undefined;
  const written: Written[] = [];
  for (const leaf of LEAVES) {
    page.pos = 0;
    if (useDict && DICTIONARY_COLUMNS.has(leaf.column)) {
      dict.pos = 0;
      const p = dictPage(rows, leaf, page, dict, levels);
      const raws = [dict.view(), page.view()];
      const zs = compressChunk(raws);
      const dictOffset = out.pos;
      const d = writePage(out, raws[0]!, zs?.[0] ?? raws[0]!, p);
      const offset = out.pos;
      const w = writePage(out, raws[1]!, zs?.[1] ?? raws[1]!, { values: p.values, encoding: RLE_DICTIONARY });
      nullCounts?.set(leaf.column, p.stats.nullCount);
      written.push({
        leaf, offset, dictOffset, values: p.values, stats: p.stats, codec: zs ? ZSTD : UNCOMPRESSED,
        compressed: d.compressed + w.compressed, uncompressed: d.uncompressed + w.uncompressed,
      });
      continue;
    }
    const values = new ValueWriter(page, leaf);
    const bounds = pageBounds(rows, leaf);
    const col: Written = { leaf, offset: out.pos, values: 0, compressed: 0, uncompressed: 0, stats: { nullCount: 0 }, codec: ZSTD };
    for (let b = 1; b < bounds.length; b++) {
      page.pos = 0;
      const n = leaf.path.length > 1
        ? chunkPage(rows, leaf, page, (chunkLv ??= chunkLevels(rows)), values, bounds[b - 1]!, bounds[b]!)
        : flatPage(rows, leaf, page, levels, values, bounds[b - 1]!, bounds[b]!);
      const raw = page.view();
      let z: Uint8Array = raw;
      if (bounds.length === 2) {
        const zs = compressChunk([raw]);
        if (zs) z = zs[0]!; else col.codec = UNCOMPRESSED;
      } else {
        z = compressor().compress(raw);
      }
      const w = writePage(out, raw, z, { values: n, encoding: PLAIN });
      values.pageDone();
      col.values += n;
      col.compressed += w.compressed;
      col.uncompressed += w.uncompressed;
    }
    col.stats = values.stats();
    if (leaf.path.length === 1) nullCounts?.set(leaf.column, col.stats.nullCount);
    written.push(col);
  }
  const footerAt = out.pos;
  writeFooter(out, rows.length, written);
  out.u32le(out.pos - footerAt);
  out.bytes(MAGIC);
  const file = Uint8Array.prototype.slice.call(out.buf, 0, out.pos);
  // Keep the buffers for the next file unless one partition made them large.
  if (out.buf.length + page.buf.length > SINK_KEEP_BYTES) scratch = undefined;
  return file;
}

/** Scratch buffers reused from file to file (encoding is synchronous: one file at a time). */
let scratch: { out: ByteSink; page: ByteSink; dict: ByteSink } | undefined;
const SINK_KEEP_BYTES = 4 * 1024 * 1024;

function sinks(): { out: ByteSink; page: ByteSink; dict: ByteSink } {
  scratch ??= { out: new ByteSink(64 * 1024), page: new ByteSink(16 * 1024), dict: new ByteSink(1024) };
  for (const s of Object.values(scratch)) s.reset();
  return scratch;
}

let zstdCompressor: zstd.Compressor | undefined;

function compressor(): zstd.Compressor {
  if (!zstdCompressor) {
    zstdCompressor = new zstd.Compressor();
    zstdCompressor.setParameters({ compressionLevel: ZSTD_LEVEL });
  }
  return zstdCompressor;
}

function writeFooter(out: ByteSink, numRows: number, cols: Written[]): void {
  out.begin(); // FileMetaData
  out.i32(1, 1);
  const schema = schemaElements();
  out.structListBytes(2, schema.count, schema.bytes);
  out.i64(3, numRows);
  out.structList(4, 1);
  out.begin(); // RowGroup
  out.structList(1, cols.length);
  let uncompressed = 0;
  let compressed = 0;
  for (const c of cols) {
    uncompressed += c.uncompressed;
    compressed += c.compressed;
    out.begin(); // ColumnChunk
    out.i64(2, 0);
    out.struct(3); // ColumnMetaData
    out.i32(1, c.leaf.type);
    out.i32List(2, c.dictOffset === undefined ? [PLAIN, RLE] : [PLAIN, RLE, RLE_DICTIONARY]);
    out.binaryList(3, c.leaf.pathBytes);
    out.i32(4, c.codec);
    out.i64(5, c.values);
    out.i64(6, c.uncompressed);
    out.i64(7, c.compressed);
    out.i64(9, c.offset);
    if (c.dictOffset !== undefined) out.i64(11, c.dictOffset);
    out.struct(12); // Statistics
    const { min, max } = c.stats;
    // The deprecated min/max too for integers (signed order either way), as parquet-rs does.
    const legacy = min && max && c.leaf.phys !== 'utf8';
    if (legacy) { out.binary(1, max); out.binary(2, min); }
    out.i64(3, c.stats.nullCount);
    if (min && max) {
      out.binary(5, max);
      out.binary(6, min);
      out.bool(7, c.stats.maxExact ?? true);
      out.bool(8, c.stats.minExact ?? true);
    }
    out.end();
    out.end();
    out.end();
  }
  out.i64(2, uncompressed);
  out.i64(3, numRows);
  out.i64(5, cols[0]!.offset);
  out.i64(6, compressed);
  out.i16(7, 0);
  out.end();
  out.structList(5, 1);
  out.begin(); // KeyValue
  out.binary(1, ARROW_SCHEMA_KEY);
  out.binary(2, arrowSchemaBase64());
  out.end();
  out.binary(6, CREATED_BY);
  out.structList(7, cols.length);
  for (let i = 0; i < cols.length; i++) {
    out.begin(); // ColumnOrder
    out.struct(1); // TYPE_ORDER
    out.end();
    out.end();
  }
  out.end();
}

const CREATED_BY = Buffer.from(WRITER);
let schemaBytes: { count: number; bytes: Uint8Array } | undefined;

/** The SchemaElement list of the footer, the same for every file: encoded once. */
function schemaElements(): { count: number; bytes: Uint8Array } {
  if (!schemaBytes) {
    const sink = new ByteSink();
    const count = writeSchema(sink);
    schemaBytes = { count, bytes: Uint8Array.prototype.slice.call(sink.buf, 0, sink.pos) };
  }
  return schemaBytes;
}

/** Writes the schema's elements (depth first, as Parquet lists them); returns how many. */
function writeSchema(out: ByteSink): number {
  const elements: Array<(o: ByteSink) => void> = [(o) => { o.string(4, 'arrow_schema'); o.i32(5, DATA_COLUMNS.length); }];
  for (const leaf of LEAVES) {
    if (leaf.path.length > 1) {
      if (leaf.path[3] === 'sha256') {
        elements.push((o) => {
          o.i32(3, OPTIONAL); o.string(4, leaf.path[0]!); o.i32(5, 1); o.i32(6, CONVERTED_LIST);
          o.struct(10); o.struct(3); o.end(); o.end(); // LogicalType LIST
        });
        elements.push((o) => { o.i32(3, REPEATED); o.string(4, 'list'); o.i32(5, 1); });
        elements.push((o) => { o.i32(3, OPTIONAL); o.string(4, 'element'); o.i32(5, 2); });
      }
      elements.push((o) => primitive(o, leaf, leaf.path[3]!));
      continue;
    }
    elements.push((o) => primitive(o, leaf, leaf.column));
  }
  for (const e of elements) { out.begin(); e(out); out.end(); }
  return elements.length;
}

function primitive(o: ByteSink, leaf: Leaf, name: string): void {
  o.i32(1, leaf.type);
  o.i32(3, leaf.required ? REQUIRED : OPTIONAL);
  o.string(4, name);
  if (leaf.converted !== undefined) o.i32(6, leaf.converted);
  if (leaf.phys === 'utf8') {
    o.struct(10); o.struct(1); o.end(); o.end(); // LogicalType STRING
  } else if (leaf.divisor !== 1) {
    o.struct(10); o.struct(8); // LogicalType TIMESTAMP
    o.bool(1, true); // isAdjustedToUTC
    o.struct(2); o.struct(2); o.end(); o.end(); // unit MICROS
    o.end(); o.end();
  }
}

const ARROW_SCHEMA_KEY = Buffer.from('ARROW:schema');
let arrowSchema: Buffer | undefined;

/**
 * The ARROW:schema footer key: the Arrow IPC schema message (continuation marker, length,
 * flatbuffer), base64, as arrow-rs writes it; Arrow readers take field types from it.
 */
function arrowSchemaBase64(): Buffer {
  if (arrowSchema === undefined) {
    const ipc = arrow.tableToIPC(new arrow.Table(dataSchema), 'stream');
    const len = new DataView(ipc.buffer, ipc.byteOffset, ipc.byteLength).getInt32(4, true);
    arrowSchema = Buffer.from(Buffer.from(ipc.subarray(0, 8 + len)).toString('base64'));
  }
  return arrowSchema;
}
