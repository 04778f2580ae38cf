// tinylogfs: the live filesystem over the oplog. TinyFS nodes load lazily from the Delta
// table (a directory's partition on first use, content chunk by chunk through a byte-
// bounded LRU); changes stay in memory, pinned, until a flush writes them as one commit.
// Past versions are read-only views built from the same records with a version bound.
export { Pond, type PondOptions, type CommitResult } from './Pond.js';
export { ContentCache } from './ContentCache.js';
export { LogBackend } from './LogBackend.js';
export { INLINE_MAX } from './flush.js';
export { parseVersionSpec, type VersionSpec } from './versionSpec.js';
export { WriterLock, processAlive } from './lock.js';
export { replayPartition, type PartitionState } from './replay.js';
export { contentFromStream, replaceContent, committedSource, committedSha } from './content.js';
export { restore, removeTree, type RestoreCounts } from './restore.js';
export { check, type CheckReport, type Damage, type CheckProgress } from './check.js';
export { maintain, type MaintainReport } from './maintain.js';
