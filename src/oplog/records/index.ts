// records/: the oplog's row schema (one row per node or directory-entry change) and its
// Parquet encoding. Column-wise and allocation-light, because every flush encodes and
// every directory load decodes a whole partition file.
export type { ChunkRef, NodeKind, OpRecord, RecordOp, RecordSource, StoredRecord } from './OpRecord.js';
export { DATA_COLUMNS, PARTITION_COLUMN, dataSchema, partitionColumns, schemaString } from './schema.js';
export { encodeRecords } from './encode.js';
export type { EncodedFile } from './encode.js';
export { decodeRecords, readChunkLists, readInlineContent } from './decode.js';
export { newestRows, type NewestRows } from './newest.js';
export type { DecodeOptions } from './decode.js';
export { recordStats } from './stats.js';
export { DEFAULT_CHECKPOINT_INTERVAL, POND_PROTOCOL, ROOT_ID, pondMetadata, rootRecord } from './pondTable.js';
export { WRITE_PARALLELISM, dataFilePath, encodeSmallCommit, groupByPartition, removeFiles, writeDataFiles } from './dataFiles.js';
export { mapBounded } from '../mapBounded.js';
