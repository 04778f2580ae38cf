import { newestRows, type StoredRecord } from '../oplog/index.js';

// Replay of one partition: the newest row (not above a version bound) of every node and
// of every entry name wins; a `delete` row means gone. Pure, so time travel is the same
// code with another bound.

export interface PartitionState {
  /** Node rows by node id: nodes homed in this partition, as of the bound. */
  nodes: Map<string, StoredRecord>;
  /** Entry rows by name: the entries of the directory this partition belongs to. */
  entries: Map<string, StoredRecord>;
}

export function replayPartition(rows: readonly StoredRecord[], partId: string, maxVersion = Infinity): PartitionState {
  return withoutDeletes(newestRows(rows, partId, maxVersion));
}

/** The state from the newest rows (Oplog.readNewest's answer): a delete row means gone. */
export function withoutDeletes(newest: PartitionState): PartitionState {
  const { nodes, entries } = newest;
  for (const [id, row] of nodes) if (row.op === 'delete') nodes.delete(id);
  for (const [name, row] of entries) if (row.op === 'delete') entries.delete(name);
  return { nodes, entries };
}
