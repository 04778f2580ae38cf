// tinyfs: the filesystem model. Nodes (file, directory, symlink) with POSIX metadata,
// path resolution with symlinks and '..', the POSIX rules of every namespace change,
// glob with captures, visit, working directories and dynamic directories. Storage is a
// Backend's business; TinyFS records what changed so a backend can persist it.
export * from './types.js';
export * from './ContentSource.js';
export { FileContent, PAGE_SIZE } from './FileContent.js';
export * from './nodes.js';
export type { Backend } from './Backend.js';
export { ChangeSet, type NodeChange } from './changes.js';
export { FS, RENAME_EXCHANGE, RENAME_NOREPLACE, XATTR_CREATE, XATTR_REPLACE } from './FS.js';
export { MemoryBackend } from './MemoryBackend.js';
export { glob, type GlobMatch } from './glob.js';
export { visit, type VisitEntry } from './visit.js';
export { WD } from './WD.js';
export { NAME_MAX, checkName, joinPath, normalize, splitPath } from './names.js';
