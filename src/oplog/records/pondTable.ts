// What version 0 of a pond's Delta table holds: the protocol, the metadata and the root
// directory's node row. Kept apart from Oplog so the format choices sit in one place.
import { randomUUID } from 'node:crypto';
import type { Metadata, Protocol } from '../delta/index.js';
import type { OpRecord } from './OpRecord.js';
import { partitionColumns, schemaString } from './schema.js';

export const ROOT_ID = '0000000000000000';
export const DEFAULT_CHECKPOINT_INTERVAL = 100;

/** Writer 7 with only in-commit timestamps: commit times travel with a copied pond. */
export const POND_PROTOCOL: Protocol = {
  minReaderVersion: 1,
  minWriterVersion: 7,
  writerFeatures: ['inCommitTimestamp'],
};

export function pondMetadata(checkpointInterval: number, createdTime: number): Metadata {
  return {
    id: randomUUID(),
    name: 'pond',
    description: null,
    format: { provider: 'parquet', options: {} },
    schemaString,
    partitionColumns,
    configuration: {
      'delta.enableInCommitTimestamps': 'true',
      'delta.checkpointInterval': String(checkpointInterval),
    },
    createdTime,
  };
}

/** The root directory's first node row; it lives in its own partition. */
export function rootRecord(now: number, uid: number, gid: number): Omit<OpRecord, 'version' | 'timestamp'> {
  return {
    part_id: ROOT_ID, node_id: ROOT_ID, kind: 'directory', op: 'create',
    name: null, child_id: null, child_part: null,
    mode: 0o40755, uid, gid, nlink: 2, atime: now, mtime: now, ctime: now,
    size: 0, sha256: null, content: null, chunks: null, target: null, xattrs: null,
  };
}
