// One Parquet data file -> records. Without `withContent` the content column is never
// decoded (projected away), so replaying a directory with big inline files stays cheap.
// Files our writer wrote are read by parquetRead.ts; anything else (parquet-wasm's files of
// several row groups, older files), or a file that reader stops on, goes through
// parquet-wasm and Arrow.
import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm';
import { PondError } from '../../errors.js';
import type { ChunkRef, NodeKind, OpRecord, RecordOp } from './OpRecord.js';
import { type ColumnValues, type ParquetFile, hasColumn, openParquet, readColumn } from './parquetRead.js';
import { readBinary, readChunks, readInt32, readInt64, readUtf8, timestampDivisor } from './read.js';
import { DATA_COLUMNS, REQUIRED_COLUMNS } from './schema.js';

export interface DecodeOptions {
  /** Load inline content (default false: `content` is null on every row). */
  withContent?: boolean;
  /** Load chunk lists (default true; false: `chunks` is null on every row, see readChunkLists). */
  withChunks?: boolean;
  /** Value for `part_id`, which is not stored in the file (default ''). */
  partId?: string;
  /** Name of the file, for error messages. */
  path?: string;
}

const ALL_COLUMNS = DATA_COLUMNS.map(([n]) => n);

function columnsFor(withContent: boolean, withChunks: boolean): string[] {
  return ALL_COLUMNS.filter((n) => (n !== 'content' || withContent) && (n !== 'chunks' || withChunks));
}

function readTable(bytes: Uint8Array, opts: pq.ReaderOptions, path: string | undefined): arrow.Table {
  try {
    return arrow.tableFromIPC(pq.readParquet(bytes, opts).intoIPCStream());
  } catch (err) {
    throw new PondError('ECORRUPT', `unreadable data file ${path ?? ''}: ${String(err)}`, {
      op: 'decode', path, cause: err,
    });
  }
}

/** A column missing from an older file reads as null; the required ones must exist. */
function missingColumn(numRows: number, name: string, path: string | undefined): ColumnValues {
  if (REQUIRED_COLUMNS.has(name)) {
    throw new PondError('ECORRUPT', `data file ${path ?? ''} lacks column ${name}`, { op: 'decode', path });
  }
  return new Array(numRows).fill(null);
}

function decodeColumn(table: arrow.Table, numRows: number, name: string, path: string | undefined): ColumnValues {
  const vec = table.getChild(name);
  if (!vec) return missingColumn(numRows, name, path);
  const out: ColumnValues = new Array(numRows).fill(null);
  let base = 0;
  for (const d of vec.data) {
    switch (name) {
      case 'version': case 'size': readInt64(d, out as Array<number | null>, base, 1); break;
      case 'timestamp': case 'atime': case 'mtime': case 'ctime':
        readInt64(d, out as Array<number | null>, base, timestampDivisor(d.type)); break;
      case 'mode': case 'nlink': readInt32(d, out as Array<number | null>, base, false); break;
      case 'uid': case 'gid': readInt32(d, out as Array<number | null>, base, true); break;
      case 'content': readBinary(d, out as Array<Uint8Array | null>, base); break;
      case 'chunks': readChunks(d, out as Array<ChunkRef[] | null>, base); break;
      default: readUtf8(d, out as Array<string | null>, base);
    }
    base += d.length;
  }
  return out;
}

/**
 * `read` over the file through parquetRead.ts, or undefined to use parquet-wasm: the file
 * is not one that reader knows, or it stopped on something (a malformed file: parquet-wasm
 * says what is wrong with it). Our own errors (a missing row or column) stand.
 */
function viaOwnReader<T>(bytes: Uint8Array, read: (file: ParquetFile) => T): T | undefined {
  try {
    const file = openParquet(bytes);
    return file && read(file);
  } catch (err) {
    if (err instanceof PondError) throw err;
    return undefined;
  }
}

/**
 * Columns `names` of a file: by our reader when it can, else (or if it stops on something)
 * by parquet-wasm and Arrow.
 */
function readColumns(bytes: Uint8Array, names: readonly string[], path: string | undefined): { numRows: number; cols: Map<string, ColumnValues> } {
  const own = viaOwnReader(bytes, (file) => {
    const cols = new Map<string, ColumnValues>();
    for (const name of names) {
      cols.set(name, hasColumn(file, name) ? readColumn(file, name) : missingColumn(file.numRows, name, path));
    }
    return { numRows: file.numRows, cols };
  });
  return own ?? arrowColumns(bytes, names, path);
}

/** Columns `names` of a file through parquet-wasm and Arrow (any Parquet file). */
export function arrowColumns(bytes: Uint8Array, names: readonly string[], path?: string): { numRows: number; cols: Map<string, ColumnValues> } {
  const table = readTable(bytes, { columns: [...names] }, path);
  // Table.numRows sums its batches on every call: read it once.
  const numRows = table.numRows;
  const cols = new Map<string, ColumnValues>();
  for (const name of names) cols.set(name, decodeColumn(table, numRows, name, path));
  return { numRows, cols };
}

/** Decodes a data file column-wise, then assembles row objects in one pass. */
export function decodeRecords(bytes: Uint8Array, opts: DecodeOptions = {}): OpRecord[] {
  const names = columnsFor(opts.withContent ?? false, opts.withChunks ?? true);
  const { numRows, cols } = readColumns(bytes, names, opts.path);
  let none: ColumnValues | undefined; // one all-null column for those not decoded
  const c = (n: string): ColumnValues => cols.get(n) ?? (none ??= new Array(numRows).fill(null));
  const [nodeId, version, timestamp, kind, op, name, childId, childPart, mode, uid, gid, nlink,
    atime, mtime, ctime, size, sha256, content, chunks, target, xattrs] = ALL_COLUMNS.map(c);
  const partId = opts.partId ?? '';
  const rows = new Array<OpRecord>(numRows);
  for (let i = 0; i < numRows; i++) {
    rows[i] = {
      part_id: partId,
      node_id: nodeId![i] as string,
      version: version![i] as number,
      timestamp: timestamp![i] as number,
      kind: kind![i] as NodeKind,
      op: op![i] as RecordOp,
      name: name![i] as string | null,
      child_id: childId![i] as string | null,
      child_part: childPart![i] as string | null,
      mode: mode![i] as number | null,
      uid: uid![i] as number | null,
      gid: gid![i] as number | null,
      nlink: nlink![i] as number | null,
      atime: atime![i] as number | null,
      mtime: mtime![i] as number | null,
      ctime: ctime![i] as number | null,
      size: size![i] as number | null,
      sha256: sha256![i] as string | null,
      content: content![i] as Uint8Array | null,
      chunks: chunks![i] as ChunkRef[] | null,
      target: target![i] as string | null,
      xattrs: xattrs![i] as string | null,
    };
  }
  return rows;
}

/**
 * The chunk lists of some rows of a data file (null: the row has none). A big file is
 * decoded for those rows only: a file that holds 30 versions of a 1 GiB file's node row
 * holds 250,000 chunk references, of which a replay wants the newest row's 16,000.
 */
export function readChunkLists(bytes: Uint8Array, rows: readonly number[], path?: string): Map<number, ChunkRef[] | null> {
  const out = new Map<number, ChunkRef[] | null>();
  const own = viaOwnReader(bytes, (file) => readColumn(file, 'chunks', rowMask(file, rows, path, 'decode')));
  if (own) {
    for (const r of rows) out.set(r, (own[r] as ChunkRef[] | null) ?? null);
    return out;
  }
  /** The chunk lists of a table read with `columns: ['chunks']`, in row order. */
  const lists = (table: arrow.Table): Array<ChunkRef[] | null> =>
    decodeColumn(table, table.numRows, 'chunks', path) as Array<ChunkRef[] | null>;
  // Past a few rows, one pass over the column costs less than a read per row.
  if (rows.length > 16) {
    const all = lists(readTable(bytes, { columns: ['chunks'] }, path));
    for (const r of rows) out.set(r, all[r] ?? null);
    return out;
  }
  for (const r of rows) {
    const table = readTable(bytes, { columns: ['chunks'], offset: r, limit: 1 }, path);
    if (table.numRows !== 1) {
      throw new PondError('ECORRUPT', `data file ${path ?? ''} has no row ${r}`, { op: 'decode', path });
    }
    out.set(r, lists(table)[0] ?? null);
  }
  return out;
}

/** A mask of `rows` over the file's rows; a row the file does not have is ECORRUPT. */
function rowMask(file: ParquetFile, rows: readonly number[], path: string | undefined, op: string): Uint8Array {
  const want = new Uint8Array(file.numRows);
  for (const r of rows) {
    if (!Number.isInteger(r) || r < 0 || r >= file.numRows) {
      throw new PondError('ECORRUPT', `data file ${path ?? ''} has no row ${r}`, { op, path });
    }
    want[r] = 1;
  }
  return want;
}

/** The inline content of row `row` of a data file (null when that row has none). */
export function readInlineContent(bytes: Uint8Array, row: number, path?: string): Uint8Array | null {
  const own = viaOwnReader(bytes, (file) => {
    const want = rowMask(file, [row], path, 'readContent');
    return { data: hasColumn(file, 'content') ? readColumn(file, 'content', want)[row] as Uint8Array | null : null };
  });
  if (own) return own.data;
  const table = readTable(bytes, { columns: ['content'], offset: row, limit: 1 }, path);
  if (table.numRows !== 1) {
    throw new PondError('ECORRUPT', `data file ${path ?? ''} has no row ${row}`, { op: 'readContent', path });
  }
  const out: Array<Uint8Array | null> = [null];
  readBinary(table.getChild('content')!.data[0]!, out, 0);
  return out[0]!;
}
