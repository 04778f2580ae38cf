// Rows for the Parquet writer and reader tests.
import type { OpRecord } from '../../../src/oplog/records/index.js';

export function row(i: number, over: Partial<OpRecord> = {}): OpRecord {
  return {
    part_id: 'p', node_id: (i * 2654435761 % 2 ** 48).toString(16).padStart(16, '0'), version: 7, timestamp: 1712345678901.123,
    kind: 'file', op: 'create', name: null, child_id: null, child_part: null, mode: 0o100644,
    uid: 1000, gid: 1000, nlink: 1, atime: 1712345678000.5 + i, mtime: 1712345678000.25 - i, ctime: 3000,
    size: i, sha256: i.toString(16).padStart(64, '0'), content: null, chunks: null, target: null, xattrs: null,
    ...over,
  };
}

/** A directory of 300 files: 601 rows, so the repeating columns are dictionary-encoded. */
export function bigDirectory(): OpRecord[] {
  const rows: OpRecord[] = [row(0, { kind: 'directory', mode: 0o40755, nlink: 2, size: 0, sha256: null })];
  for (let k = 1; k <= 300; k++) {
    rows.push(row(k, { content: new Uint8Array([k & 255, 1]), mode: k % 7 ? 0o100644 : 0o100755, uid: k % 50 ? 1000 : null }));
    rows.push(row(1000 + k, { name: `f${k}`, child_id: row(k).node_id, child_part: k % 100 ? 'aaaaaaaaaaaaaaaa' : 'bbbbbbbbbbbbbbbb',
      op: k % 3 ? 'create' : 'update', kind: k % 11 ? 'file' : 'symlink', mode: null, uid: null, gid: null, nlink: null,
      atime: null, mtime: null, ctime: null, size: null, sha256: null }));
  }
  return rows;
}
