// query/: SQL over the pond's history. DuckDB (in memory, loaded lazily) reads the oplog's
// Parquet data files (the active files of the Delta snapshot) and builds views on them:
// `files` (the tree at a version), `history` (every change of every path, renames
// included), `commits` (one row per version) and `records` (the raw rows). diff and
// pathLog are built on the same views.
export { QueryEngine, oneLine, openSource, type QueryColumn, type QueryOptions, type QueryResult, type QuerySource } from './QueryEngine.js';
export { type Cell, cellText, isoMicros } from './cells.js';
export { pathLog, type PathLogEntry } from './pathLog.js';
export { diffVersions, type DiffEntry, type DiffStatus } from './diff.js';
export { unifiedHunks } from './unifiedDiff.js';
export { VIEWS_HELP } from './help.js';
