// Records -> one Parquet data file (zstd). The partition column is left out: Delta keeps
// it in `add.partitionValues` and the `part_id=<id>/` folder name.
import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm';
import type { FileRow } from './OpRecord.js';
import { binaryData, chunksData, int32Data, int64Data, nullInRequired, timestampData, utf8Data } from './build.js';
import { DICTIONARY_COLUMNS, DICTIONARY_MIN_ROWS, JS_MAX_ROWS, encodeSmallParquet } from './smallParquet.js';
import { recordStats } from './stats.js';
import { DATA_COLUMNS, REQUIRED_COLUMNS, dataSchema } from './schema.js';

export interface EncodedFile {
  bytes: Uint8Array;
  /** Delta `add.stats` JSON. */
  stats: string;
}

function column<K extends keyof FileRow>(rows: ReadonlyArray<FileRow>, key: K): Array<FileRow[K]> {
  const out = new Array<FileRow[K]>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = rows[i]![key];
  return out;
}

function columnData(rows: ReadonlyArray<FileRow>, name: string): arrow.Data {
  const key = name as keyof FileRow;
  switch (name) {
    case 'version': case 'size': return int64Data(name, column(rows, key) as Array<number | null>);
    case 'timestamp': case 'atime': case 'mtime': case 'ctime':
      return timestampData(name, column(rows, key) as Array<number | null>);
    case 'mode': case 'nlink': return int32Data(name, column(rows, key) as Array<number | null>, false);
    case 'uid': case 'gid': return int32Data(name, column(rows, key) as Array<number | null>, true);
    case 'content': return binaryData(name, column(rows, 'content'));
    case 'chunks': return chunksData(column(rows, 'chunks'));
    default: return utf8Data(name, column(rows, key) as Array<string | null>);
  }
}

const REQUIRED_DATA_COLUMNS = DATA_COLUMNS.map(([n]) => n).filter((n) => REQUIRED_COLUMNS.has(n)) as Array<keyof FileRow>;

/** The rows as one Arrow record batch of the data-file schema. */
function recordsToArrow(rows: ReadonlyArray<FileRow>): arrow.Table {
  for (const name of REQUIRED_DATA_COLUMNS) {
    for (const r of rows) {
      if (r[name] === null || r[name] === undefined) {
        throw nullInRequired(name);
      }
    }
  }
  const children = DATA_COLUMNS.map(([name]) => columnData(rows, name));
  const struct = arrow.makeData({
    type: new arrow.Struct(dataSchema.fields), length: rows.length, nullCount: 0, children,
  });
  return new arrow.Table([new arrow.RecordBatch(dataSchema, struct)]);
}

/** Encodes rows (all of one partition; their part_id is not stored) as a Parquet file. */
export function encodeRecords(rows: ReadonlyArray<FileRow>): EncodedFile {
  // Up to JS_MAX_ROWS (one row group) the JS writer produces the same file at a fraction
  // of the cost (smallParquet.ts).
  if (rows.length > JS_MAX_ROWS) return { bytes: encodeWithParquetWasm(rows), stats: recordStats(rows) };
  const nullCounts = new Map<string, number>();
  const bytes = encodeSmallParquet(rows, nullCounts);
  return { bytes, stats: recordStats(rows, nullCounts) };
}

/** The same file through Arrow and parquet-wasm (any size; dictionaries from 256 rows). */
export function encodeWithParquetWasm(rows: ReadonlyArray<FileRow>): Uint8Array {
  const table = recordsToArrow(rows);
  // Properties are consumed by writeParquet (moved into wasm), so build them per call.
  // Dictionary encoding only where values repeat: on ids, hashes, names and times it
  // costs most of the write time (measured 91 -> 34 ms for 10,000 rows) and gains nothing.
  let props = new pq.WriterPropertiesBuilder()
    .setCompression(pq.Compression.ZSTD)
    .setDictionaryEnabled(false);
  // A small file gains nothing from dictionaries (zstd takes the repeats) and they cost
  // 0.6 ms of a 1.3 ms write: an import touching 1,000 directories writes 1,000 such files.
  if (rows.length >= DICTIONARY_MIN_ROWS) for (const c of DICTIONARY_COLUMNS) props = props.setColumnDictionaryEnabled(c, true);
  const writerProps = props.build();
  const wasmTable = pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  return pq.writeParquet(wasmTable, writerProps);
}
