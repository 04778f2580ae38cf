// oplog/: the pond's operation log. A Delta Lake table of records (one row per node or
// directory-entry change, partitioned by directory) plus a content-addressed chunk store
// for large file content. storage/ is the IO boundary, delta/ the transaction log,
// records/ the row schema and Parquet IO, content/ chunking and chunks, Oplog ties them.
export * from './storage/index.js';
export * from './delta/index.js';
export * from './records/index.js';
export * from './content/index.js';
export { Oplog } from './Oplog.js';
export type { AppendOptions, AppendResult, CompactResult, NewRecord, OplogOptions } from './Oplog.js';
