// One row of the oplog: a node change (node row) or a directory-entry change (entry row).
// The columns are the contract in ARCHITECTURE.md ("The record schema"); every Delta
// engine sees the same names and types.

export type NodeKind = 'file' | 'directory' | 'symlink';
export type RecordOp = 'create' | 'update' | 'delete';

/** One chunk of a large file's content, in file order. */
export interface ChunkRef {
  /** Hex SHA-256 of the chunk's uncompressed bytes. */
  sha256: string;
  size: number;
}

export interface OpRecord {
  /** Partition: the home directory's id (node rows) or the directory's id (entry rows). */
  part_id: string;
  node_id: string;
  version: number;
  /** Commit time, milliseconds since the epoch (stored with microsecond precision). */
  timestamp: number;
  kind: NodeKind;
  op: RecordOp;
  /** null on a node row; the entry name on an entry row. */
  name: string | null;
  child_id: string | null;
  child_part: string | null;
  mode: number | null;
  uid: number | null;
  gid: number | null;
  nlink: number | null;
  /** Milliseconds since the epoch, may be fractional (microsecond precision is kept). */
  atime: number | null;
  mtime: number | null;
  ctime: number | null;
  size: number | null;
  sha256: string | null;
  /** Inline content (files up to 64 KiB); null when not loaded or not inline. */
  content: Uint8Array | null;
  chunks: ChunkRef[] | null;
  target: string | null;
  xattrs: string | null;
}

/** A record as a data file holds it: its part_id is the file's partition, not a column. */
export type FileRow = Omit<OpRecord, 'part_id'> & { part_id?: string };

/** Where a stored row lives, so its inline content can be fetched later. */
export interface RecordSource {
  /** Data file path relative to the table root. */
  path: string;
  /** Row index within that file. */
  row: number;
}

/** A row read back from the table, with its origin. */
export interface StoredRecord extends OpRecord {
  source: RecordSource;
}
