// Log replay as a pure function, in the style of delta-kernel-rs: batches of actions are
// visited newest first, and the first action seen for a file decides whether it is live.
// No IO happens here, so replay is testable with plain arrays.

import { PondError } from '../../errors.js';
import type { Action, ActionBatch, AddFile, DomainMetadata, Metadata, Protocol, RemoveFile, Txn } from './actions.js';
import { LayeredMap } from './LayeredMap.js';

/** The table state a snapshot is built from. Maps are never mutated after construction. */
export interface TableState {
  version: number;
  protocol: Protocol;
  metadata: Metadata;
  /** Live files keyed by fileKey (path plus deletion vector id). */
  files: ReadonlyMap<string, AddFile>;
  /** Removes from commits after the base checkpoint, kept for checkpoints (VACUUM needs them). */
  tombstones: ReadonlyMap<string, RemoveFile>;
  /**
   * The base checkpoint's own tombstones, read only when a new checkpoint is written: they
   * never affect the live set, and decoding them would make opening cost grow with history.
   */
  baseTombstones?: () => Promise<RemoveFile[]>;
  txns: ReadonlyMap<string, Txn>;
  domains: ReadonlyMap<string, DomainMetadata>;
}

/** Files are identified by path and deletion vector (PROTOCOL.md "Action Reconciliation"). */
export function fileKey(a: { path: string; deletionVector?: unknown }): string {
  const dv = a.deletionVector as { storageType?: string; pathOrInlineDv?: string; offset?: number | null } | null | undefined;
  if (!dv || typeof dv !== 'object') return a.path;
  return `${a.path}\u0000${dv.storageType ?? ''}${dv.pathOrInlineDv ?? ''}${dv.offset == null ? '' : `@${dv.offset}`}`;
}

/**
 * Replays batches given newest first (tail commits, then the checkpoint) into the state at
 * `version`. Throws ECORRUPT when the log never states protocol or metaData.
 */
export function replay(batches: readonly ActionBatch[], version: number, where = 'table', baseTombstones?: () => Promise<RemoveFile[]>): TableState {
  const seen = new Set<string>();
  const files = new Map<string, AddFile>();
  const tombstones = new Map<string, RemoveFile>();
  const txns = new Map<string, Txn>();
  const domains = new Map<string, DomainMetadata>();
  let protocol: Protocol | undefined;
  let metadata: Metadata | undefined;
  for (const batch of batches) {
    for (const action of batch.actions) {
      if ('add' in action) {
        const key = fileKey(action.add);
        if (!seen.has(key)) {
          seen.add(key);
          files.set(key, action.add);
        }
      } else if ('remove' in action) {
        const key = fileKey(action.remove);
        if (!seen.has(key)) {
          seen.add(key);
          tombstones.set(action.remove.path, action.remove);
        }
      } else if ('protocol' in action) {
        protocol ??= action.protocol;
      } else if ('metaData' in action) {
        metadata ??= action.metaData;
      } else if ('txn' in action) {
        if (!txns.has(action.txn.appId)) txns.set(action.txn.appId, action.txn);
      } else if ('domainMetadata' in action) {
        if (!domains.has(action.domainMetadata.domain)) domains.set(action.domainMetadata.domain, action.domainMetadata);
      }
    }
  }
  if (!protocol || !metadata) {
    throw new PondError('ECORRUPT', `Delta log of ${where} has no ${protocol ? 'metaData' : 'protocol'} action up to version ${version}`, { op: 'replay', path: where });
  }
  // A tombstone for a path that is live again (RESTORE) is no longer a tombstone.
  for (const f of files.values()) tombstones.delete(f.path);
  for (const [d, m] of domains) if (m.removed) domains.delete(d);
  return { version, protocol, metadata, files, tombstones, txns, domains, ...(baseTombstones ? { baseTombstones } : {}) };
}

/**
 * Applies one new commit to a known state, oldest action first: the incremental path used
 * after our own commits and when refreshing, so a commit costs its own actions, not a
 * replay, and not a copy of the state either: the file and tombstone maps are LayeredMaps
 * that share what did not change with `prev` (which stays as it was).
 */
export function applyCommit(prev: TableState, actions: readonly Action[], version: number): TableState {
  const fileChanges: Array<[string, AddFile | undefined]> = [];
  const tombstoneChanges: Array<[string, RemoveFile | undefined]> = [];
  let txns: Map<string, Txn> | undefined;
  let domains: Map<string, DomainMetadata> | undefined;
  let { protocol, metadata } = prev;
  for (const action of actions) {
    if ('add' in action) {
      fileChanges.push([fileKey(action.add), action.add]);
      // A path live again is no longer a tombstone (of before, or of this commit).
      if (tombstoneChanges.length || prev.tombstones.has(action.add.path)) tombstoneChanges.push([action.add.path, undefined]);
    } else if ('remove' in action) {
      fileChanges.push([fileKey(action.remove), undefined]);
      tombstoneChanges.push([action.remove.path, action.remove]);
    } else if ('protocol' in action) {
      protocol = action.protocol;
    } else if ('metaData' in action) {
      metadata = action.metaData;
    } else if ('txn' in action) {
      txns ??= new Map(prev.txns);
      txns.set(action.txn.appId, action.txn);
    } else if ('domainMetadata' in action) {
      domains ??= new Map(prev.domains);
      if (action.domainMetadata.removed) domains.delete(action.domainMetadata.domain);
      else domains.set(action.domainMetadata.domain, action.domainMetadata);
    }
  }
  return {
    version,
    protocol,
    metadata,
    files: fileChanges.length ? LayeredMap.of(prev.files).with(fileChanges) : prev.files,
    tombstones: tombstoneChanges.length ? LayeredMap.of(prev.tombstones).with(tombstoneChanges) : prev.tombstones,
    txns: txns ?? prev.txns,
    domains: domains ?? prev.domains,
    ...(prev.baseTombstones ? { baseTombstones: prev.baseTombstones } : {}),
  };
}
