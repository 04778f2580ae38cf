// The Delta Lake transaction log of the oplog. A table is a directory whose `_delta_log/`
// holds one JSON file per version (put-if-absent, so concurrent writers cannot both win) and
// periodic Parquet checkpoints. Log replay turns that history into a Snapshot: protocol,
// metadata and the live data files at a version. Everything goes through Storage, and
// replay itself is pure. Any table another Delta engine wrote can be read, unless it needs
// a reader feature pond does not implement, which is refused by name.

export type { Action, ActionBatch, AddFile, CommitInfo, DomainMetadata, Metadata, Protocol, RemoveFile, Txn } from './actions.js';
export { parseLogJson, serializeActions } from './actions.js';
export { Snapshot } from './Snapshot.js';
export { DeltaTable } from './DeltaTable.js';
export type { CommitInfoEntry, CommitOptions, CreateTableInit, DeltaTableOptions } from './DeltaTable.js';
export { replay, applyCommit, fileKey } from './replay.js';
export { LayeredMap } from './LayeredMap.js';
export type { TableState } from './replay.js';
export { checkReadable, checkWritable, ictEnabled } from './protocolCheck.js';
export { commitPath, classicCheckpointPath, LOG_DIR, LAST_CHECKPOINT } from './logPaths.js';
export { encodeCheckpoint } from './checkpointWrite.js';
export { parquetActions } from './checkpointRead.js';
