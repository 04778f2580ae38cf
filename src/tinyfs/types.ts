// Identities and plain data shared by every layer above the oplog.

/** A node's identity: 16 lowercase hex digits, stable for the node's whole life. */
export type NodeId = string & { readonly __brand: 'NodeId' };
export const ROOT_ID = '0000000000000000' as NodeId;

export type NodeKind = 'file' | 'directory' | 'symlink';

export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;

export function typeBits(kind: NodeKind): number {
  return kind === 'file' ? S_IFREG : kind === 'directory' ? S_IFDIR : S_IFLNK;
}

/** POSIX metadata of a node. Times are milliseconds since the epoch (fractional allowed). */
export interface NodeMeta {
  /** Permission bits only (0o7777); the type bits come from the kind. */
  perm: number;
  uid: number;
  gid: number;
  nlink: number;
  atime: number;
  mtime: number;
  ctime: number;
}

/** What stat returns; the FUSE layer and the CLI both render it. */
export interface Stat {
  id: NodeId;
  ino: number;
  kind: NodeKind;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  size: number;
  atime: number;
  mtime: number;
  ctime: number;
}

/** Who is acting: owner of new nodes. */
export interface Caller {
  uid: number;
  gid: number;
}

/** The 48 low bits of a node id: unique enough for st_ino and exact in a JS number. */
export function inoOf(id: NodeId): number {
  return parseInt(id.slice(-12), 16);
}
