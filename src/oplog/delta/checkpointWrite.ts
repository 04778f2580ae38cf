// Writes a classic single-file V1 checkpoint: one Parquet file, one action per row, with
// the column layout Spark, delta-rs and DuckDB expect (partitionValues as map<string,string>,
// stats as a JSON string). commitInfo is never checkpointed.

import * as arrow from 'apache-arrow';
import { PondError, isPondError } from '../../errors.js';
import type { Storage } from '../storage/index.js';
import type { Metadata, RemoveFile } from './actions.js';
import { boolData, int32Data, int64Data, stringListData, stringMapData, structData, utf8Data } from './jsToArrow.js';
import { parquetWasm } from './parquetModule.js';
import { LAST_CHECKPOINT, classicCheckpointPath } from './logPaths.js';
import type { TableState } from './replay.js';

/** Tombstones older than the table's deletedFileRetentionDuration (default a week) are dropped. */
export function tombstoneRetentionMs(m: Metadata): number {
  const spec = m.configuration['delta.deletedFileRetentionDuration'] ?? 'interval 1 week';
  const match = /^\s*interval\s+(\d+)\s+(\w+?)s?\s*$/i.exec(spec);
  const unit: Record<string, number> = { millisecond: 1, second: 1e3, minute: 6e4, hour: 36e5, day: 864e5, week: 6048e5 };
  return match && unit[match[2]!.toLowerCase()] ? Number(match[1]) * unit[match[2]!.toLowerCase()]! : 6048e5;
}

/** Encodes the checkpoint Parquet bytes for a state; also returns the row count. */
export async function encodeCheckpoint(state: TableState, baseTombstones: readonly RemoveFile[] = [], now = Date.now()): Promise<{ bytes: Uint8Array; rows: number }> {
  const pq = await parquetWasm();
  const txns = [...state.txns.values()];
  const domains = [...state.domains.values()];
  const adds = [...state.files.values()];
  const cutoff = now - tombstoneRetentionMs(state.metadata);
  // Base tombstones still apply unless the path is live again or removed again later.
  const live = new Set(adds.map((a) => a.path));
  const merged = new Map<string, RemoveFile>();
  for (const r of baseTombstones) if (!live.has(r.path)) merged.set(r.path, r);
  for (const r of state.tombstones.values()) merged.set(r.path, r);
  const removes = [...merged.values()].filter((r) => (r.deletionTimestamp ?? now) >= cutoff);
  // Row layout: protocol, metaData, txns, domainMetadata, adds, removes; one action per row.
  const n = 2 + txns.length + domains.length + adds.length + removes.length;
  const at = { txn: 2, domain: 2 + txns.length, add: 2 + txns.length + domains.length, remove: 2 + txns.length + domains.length + adds.length };
  /** Values of one field for every row: the item's value in its rows, null elsewhere. */
  function spread<T, V>(items: readonly T[], start: number, get: (x: T) => V): (V | null)[] {
    const out = new Array<V | null>(n).fill(null);
    for (let i = 0; i < items.length; i++) out[start + i] = get(items[i]!);
    return out;
  }
  const validFor = (start: number, count: number) => Array.from({ length: n }, (_, i) => i >= start && i < start + count);
  const p = state.protocol;
  const m = state.metadata;
  const columns: Array<[string, arrow.Data]> = [
    ['txn', structData(validFor(at.txn, txns.length), [
      ['appId', utf8Data(spread(txns, at.txn, (t) => t.appId))],
      ['version', int64Data(spread(txns, at.txn, (t) => t.version))],
      ['lastUpdated', int64Data(spread(txns, at.txn, (t) => t.lastUpdated ?? null))]])],
    ['add', structData(validFor(at.add, adds.length), [
      ['path', utf8Data(spread(adds, at.add, (a) => a.path))],
      ['partitionValues', stringMapData(spread(adds, at.add, (a) => a.partitionValues ?? {}))],
      ['size', int64Data(spread(adds, at.add, (a) => a.size))],
      ['modificationTime', int64Data(spread(adds, at.add, (a) => a.modificationTime))],
      ['dataChange', boolData(spread(adds, at.add, (a) => a.dataChange))],
      ['stats', utf8Data(spread(adds, at.add, (a) => a.stats ?? null))],
      ['tags', stringMapData(spread(adds, at.add, (a) => a.tags ?? null))]])],
    ['remove', structData(validFor(at.remove, removes.length), [
      ['path', utf8Data(spread(removes, at.remove, (r) => r.path))],
      ['deletionTimestamp', int64Data(spread(removes, at.remove, (r) => r.deletionTimestamp ?? null))],
      ['dataChange', boolData(spread(removes, at.remove, (r) => r.dataChange))],
      ['extendedFileMetadata', boolData(spread(removes, at.remove, (r) => r.extendedFileMetadata ?? null))],
      ['partitionValues', stringMapData(spread(removes, at.remove, (r) => r.partitionValues ?? null))],
      ['size', int64Data(spread(removes, at.remove, (r) => r.size ?? null))]])],
    ['metaData', structData(validFor(1, 1), [
      ['id', utf8Data(spread([m], 1, (x) => x.id))],
      ['name', utf8Data(spread([m], 1, (x) => x.name ?? null))],
      ['description', utf8Data(spread([m], 1, (x) => x.description ?? null))],
      ['format', structData(validFor(1, 1), [
        ['provider', utf8Data(spread([m], 1, (x) => x.format.provider))],
        ['options', stringMapData(spread([m], 1, (x) => x.format.options ?? {}))]])],
      ['schemaString', utf8Data(spread([m], 1, (x) => x.schemaString))],
      ['partitionColumns', stringListData(spread([m], 1, (x) => x.partitionColumns))],
      ['configuration', stringMapData(spread([m], 1, (x) => x.configuration))],
      ['createdTime', int64Data(spread([m], 1, (x) => x.createdTime ?? null))]])],
    ['protocol', structData(validFor(0, 1), [
      ['minReaderVersion', int32Data(spread([p], 0, (x) => x.minReaderVersion))],
      ['minWriterVersion', int32Data(spread([p], 0, (x) => x.minWriterVersion))],
      ['readerFeatures', stringListData(spread([p], 0, (x) => x.readerFeatures ?? null))],
      ['writerFeatures', stringListData(spread([p], 0, (x) => x.writerFeatures ?? null))]])],
  ];
  if (domains.length > 0) {
    columns.push(['domainMetadata', structData(validFor(at.domain, domains.length), [
      ['domain', utf8Data(spread(domains, at.domain, (d) => d.domain))],
      ['configuration', utf8Data(spread(domains, at.domain, (d) => d.configuration))],
      ['removed', boolData(spread(domains, at.domain, (d) => d.removed))]])]);
  }
  const vectors: Record<string, arrow.Vector> = {};
  for (const [name, data] of columns) vectors[name] = arrow.makeVector(data);
  const table = new arrow.Table(vectors);
  const props = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.ZSTD).build();
  const bytes = pq.writeParquet(pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props);
  return { bytes, rows: n };
}

/**
 * Writes the checkpoint for `state` and then `_last_checkpoint`. A checkpoint already present
 * at that version (another writer made it) counts as done: it describes the same state.
 */
export async function writeCheckpoint(storage: Storage, state: TableState): Promise<void> {
  const path = classicCheckpointPath(state.version);
  const { bytes, rows } = await encodeCheckpoint(state, state.baseTombstones ? await state.baseTombstones() : []);
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
