import type { Oplog } from '../oplog/index.js';

// Upkeep of the table: small data files of a partition are compacted into one (a commit
// with dataChange=false: no pond version changes content), and a checkpoint is written so
// that opening the pond reads one checkpoint plus a few commits. History is kept: dropping
// old versions (retention and vacuum) is not implemented.

export interface MaintainReport {
  compaction: { version: number | null; partitions: number; filesRemoved: number; filesAdded: number };
  checkpoint: { version: number };
  dataFiles: { before: number; after: number };
}

export async function maintain(oplog: Oplog): Promise<MaintainReport> {
  const before = oplog.snapshot.numFiles;
  const compaction = await oplog.compact({ commitInfo: { pond: { summary: 'maintain: compaction' } } });
  await oplog.table.checkpoint();
  return { compaction, checkpoint: { version: oplog.version }, dataFiles: { before, after: oplog.snapshot.numFiles } };
}
