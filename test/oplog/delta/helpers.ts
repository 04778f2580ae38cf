// Shared test fixtures: a pond-like table definition, add actions, and a Storage wrapper
// that counts reads (to prove that opening reads the checkpoint plus the tail only).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import type { AddFile, Metadata, Protocol } from '../../../src/oplog/delta/index.js';
import type { FileInfo, Storage } from '../../../src/oplog/storage/index.js';

export function tempDir(prefix = 'pond-delta-'): string {
  return mkdtempSync(nodePath.join(tmpdir(), prefix));
}

export const PROTOCOL_ICT: Protocol = { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['inCommitTimestamp', 'appendOnly', 'invariants'] };
export const PROTOCOL_12: Protocol = { minReaderVersion: 1, minWriterVersion: 2 };

export function metadata(opts: { ict?: boolean; configuration?: Record<string, string> } = {}): Metadata {
  return {
    id: '7f1a0c52-9a7b-4a4e-8d2a-000000000001',
    name: null,
    description: null,
    format: { provider: 'parquet', options: {} },
    schemaString: JSON.stringify({ type: 'struct', fields: [
      { name: 'part_id', type: 'string', nullable: true, metadata: {} },
      { name: 'node_id', type: 'string', nullable: true, metadata: {} },
    ] }),
    partitionColumns: ['part_id'],
    configuration: { ...(opts.ict ? { 'delta.enableInCommitTimestamps': 'true' } : {}), ...opts.configuration },
    createdTime: 1700000000000,
  };
}

export function add(name: string, part = '0000000000000000', size = 100): { add: AddFile } {
  return { add: {
    path: `part_id=${part}/${name}.parquet`,
    partitionValues: { part_id: part },
    size,
    modificationTime: 1700000000000,
    dataChange: true,
    stats: JSON.stringify({ numRecords: 1 }),
  } };
}

export function remove(name: string, part = '0000000000000000'): { remove: { path: string; dataChange: boolean; deletionTimestamp: number; partitionValues: Record<string, string> } } {
  return { remove: { path: `part_id=${part}/${name}.parquet`, dataChange: true, deletionTimestamp: Date.now(), partitionValues: { part_id: part } } };
}

/** Wraps a Storage and records every read path, listing and stat. */
export class CountingStorage implements Storage {
  readonly reads: string[] = [];
  readonly lists: string[] = [];
  readonly stats: string[] = [];
  constructor(private readonly inner: Storage) {}
  get location(): string { return this.inner.location; }
  names(dir: string): Promise<string[]> { this.lists.push(dir); return this.inner.names(dir); }
  list(dir: string): Promise<FileInfo[]> { this.lists.push(dir); return this.inner.list(dir); }
  listDirs(dir: string): Promise<string[]> { this.lists.push(dir); return this.inner.listDirs(dir); }
  read(path: string, range?: { offset: number; length: number }): Promise<Uint8Array> { this.reads.push(path); return this.inner.read(path, range); }
  stat(path: string): Promise<FileInfo | undefined> { this.stats.push(path); return this.inner.stat(path); }
  putIfAbsent(path: string, data: Uint8Array, opts?: { after?: Promise<unknown> }): Promise<void> { return this.inner.putIfAbsent(path, data, opts); }
  putNew(path: string, data: Uint8Array): Promise<void> { return this.inner.putNew(path, data); }
  put(path: string, data: Uint8Array): Promise<void> { return this.inner.put(path, data); }
  delete(path: string): Promise<void> { return this.inner.delete(path); }
  stage(path: string, data: Uint8Array): Promise<void> { return this.inner.stage(path, data); }
  publishStaged(): Promise<void> { return this.inner.publishStaged(); }
  discardStaged(): Promise<void> { return this.inner.discardStaged(); }
  writeFresh(path: string, data: Uint8Array): Promise<void> { return this.inner.writeFresh(path, data); }
  sync(): Promise<void> { return this.inner.sync(); }
}
