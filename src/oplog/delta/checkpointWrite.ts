// Writes a classic single-file V1 checkpoint: one Parquet file, one action per row, with
// the column layout Spark, delta-rs and DuckDB expect (partitionValues as map<string,string>,
// stats as a JSON string). commitInfo is never checkpointed.

import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm';
import { PondError, isPondError } from '../../errors.js';
import type { Storage } from '../storage/index.js';
import type { AddFile, Metadata, Protocol, RemoveFile } from './actions.js';
import { LAST_CHECKPOINT, classicCheckpointPath } from './logPaths.js';
import type { TableState } from './replay.js';

const str = () => new arrow.Utf8();
const long = () => new arrow.Int64();
const f = (name: string, type: arrow.DataType) => new arrow.Field(name, type, true);
type KV = { key: arrow.Utf8; value: arrow.Utf8 };
const stringMap = () => new arrow.Map_<arrow.Utf8, arrow.Utf8>(new arrow.Field('key_value', new arrow.Struct<KV>([
  new arrow.Field('key', str(), false), f('value', str())] as arrow.Field<KV[keyof KV]>[]), false), false);
const stringList = () => new arrow.List(f('element', str()));

const TXN = new arrow.Struct([f('appId', str()), f('version', long()), f('lastUpdated', long())]);
const ADD = new arrow.Struct([f('path', str()), f('partitionValues', stringMap()), f('size', long()),
  f('modificationTime', long()), f('dataChange', new arrow.Bool()), f('stats', str()), f('tags', stringMap())]);
const REMOVE = new arrow.Struct([f('path', str()), f('deletionTimestamp', long()), f('dataChange', new arrow.Bool()),
  f('extendedFileMetadata', new arrow.Bool()), f('partitionValues', stringMap()), f('size', long())]);
const METADATA = new arrow.Struct([f('id', str()), f('name', str()), f('description', str()),
  f('format', new arrow.Struct([f('provider', str()), f('options', stringMap())])), f('schemaString', str()),
  f('partitionColumns', stringList()), f('configuration', stringMap()), f('createdTime', long())]);
const PROTOCOL = new arrow.Struct([f('minReaderVersion', new arrow.Int32()), f('minWriterVersion', new arrow.Int32()),
  f('readerFeatures', stringList()), f('writerFeatures', stringList())]);
const DOMAIN = new arrow.Struct([f('domain', str()), f('configuration', str()), f('removed', new arrow.Bool())]);

type Row = { txn?: unknown; add?: unknown; remove?: unknown; metaData?: unknown; protocol?: unknown; domainMetadata?: unknown };

const big = (n: number | null | undefined) => (n === null || n === undefined ? null : BigInt(Math.trunc(n)));
const toMap = (o: Record<string, string | null> | null | undefined) => (o ? new Map(Object.entries(o)) : null);

function addRow(a: AddFile) {
  return { path: a.path, partitionValues: toMap(a.partitionValues) ?? new Map(), size: big(a.size),
    modificationTime: big(a.modificationTime), dataChange: a.dataChange, stats: a.stats ?? null, tags: toMap(a.tags) };
}
function removeRow(r: RemoveFile) {
  return { path: r.path, deletionTimestamp: big(r.deletionTimestamp), dataChange: r.dataChange,
    extendedFileMetadata: r.extendedFileMetadata ?? null, partitionValues: toMap(r.partitionValues), size: big(r.size) };
}
function metadataRow(m: Metadata) {
  return { id: m.id, name: m.name ?? null, description: m.description ?? null,
    format: { provider: m.format.provider, options: toMap(m.format.options) ?? new Map() }, schemaString: m.schemaString,
    partitionColumns: m.partitionColumns, configuration: toMap(m.configuration) ?? new Map(), createdTime: big(m.createdTime) };
}
function protocolRow(p: Protocol) {
  return { minReaderVersion: p.minReaderVersion, minWriterVersion: p.minWriterVersion,
    readerFeatures: p.readerFeatures ?? null, writerFeatures: p.writerFeatures ?? null };
}

/** Tombstones older than the table's deletedFileRetentionDuration (default a week) are dropped. */
export function tombstoneRetentionMs(m: Metadata): number {
  const spec = m.configuration['delta.deletedFileRetentionDuration'] ?? 'interval 1 week';
  const match = /^\s*interval\s+(\d+)\s+(\w+?)s?\s*$/i.exec(spec);
  const unit: Record<string, number> = { millisecond: 1, second: 1e3, minute: 6e4, hour: 36e5, day: 864e5, week: 6048e5 };
  return match && unit[match[2]!.toLowerCase()] ? Number(match[1]) * unit[match[2]!.toLowerCase()]! : 6048e5;
}

/** Encodes the checkpoint Parquet bytes for a state; also returns the row count. */
export function encodeCheckpoint(state: TableState, now = Date.now()): { bytes: Uint8Array; rows: number } {
  const rows: Row[] = [{ protocol: protocolRow(state.protocol) }, { metaData: metadataRow(state.metadata) }];
  for (const t of state.txns.values()) rows.push({ txn: { appId: t.appId, version: big(t.version), lastUpdated: big(t.lastUpdated) } });
  for (const d of state.domains.values()) rows.push({ domainMetadata: d });
  for (const a of state.files.values()) rows.push({ add: addRow(a) });
  const cutoff = now - tombstoneRetentionMs(state.metadata);
  for (const r of state.tombstones.values()) {
    if ((r.deletionTimestamp ?? now) >= cutoff) rows.push({ remove: removeRow(r) });
  }
  const columns: Array<[keyof Row, arrow.Struct]> = [['txn', TXN], ['add', ADD], ['remove', REMOVE], ['metaData', METADATA], ['protocol', PROTOCOL]];
  if (state.domains.size > 0) columns.push(['domainMetadata', DOMAIN]);
  const vectors: Record<string, arrow.Vector> = {};
  for (const [name, type] of columns) {
    const b = arrow.makeBuilder({ type, nullValues: [null, undefined] });
    for (const r of rows) b.append((r[name] ?? null) as never);
    vectors[name] = b.finish().toVector();
  }
  const table = new arrow.Table(vectors);
  const props = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.ZSTD).build();
  const bytes = pq.writeParquet(pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props);
  return { bytes, rows: rows.length };
}

/**
 * Writes the checkpoint for `state` and then `_last_checkpoint`. A checkpoint already present
 * at that version (another writer made it) counts as done: it describes the same state.
 */
export async function writeCheckpoint(storage: Storage, state: TableState): Promise<void> {
  const path = classicCheckpointPath(state.version);
  const { bytes, rows } = encodeCheckpoint(state);
  try {
    await storage.putIfAbsent(path, bytes);
  } catch (err) {
    if (!isPondError(err, 'EEXIST')) {
      throw err instanceof PondError ? err : new PondError('EIO', `cannot write checkpoint ${path}`, { op: 'checkpoint', path, cause: err });
    }
  }
  const hint = { version: state.version, size: rows, sizeInBytes: bytes.length, numOfAddFiles: state.files.size };
  await storage.put(LAST_CHECKPOINT, new TextEncoder().encode(JSON.stringify(hint)));
}
