// An immutable view of the table at one version: the protocol, metadata and live files
// after log replay, plus the commit time of that version.

import type { AddFile, DomainMetadata, Metadata, Protocol, Txn } from './actions.js';
import { ictEnabled } from './protocolCheck.js';
import type { TableState } from './replay.js';

export class Snapshot {
  readonly version: number;
  /** ms: inCommitTimestamp when the table enables ICT, else the commit file's mtime. */
  readonly timestamp: number;
  readonly protocol: Protocol;
  readonly metadata: Metadata;
  /** @internal the replayed state, shared with the next snapshot when nothing changed. */
  readonly state: TableState;
  private filesCache: readonly AddFile[] | undefined;

  constructor(state: TableState, timestamp: number) {
    this.state = state;
    this.version = state.version;
    this.timestamp = timestamp;
    this.protocol = state.protocol;
    this.metadata = state.metadata;
  }

  /** Active files after replay (path-deduplicated, removes applied). */
  get files(): readonly AddFile[] {
    this.filesCache ??= Object.freeze([...this.state.files.values()]);
    return this.filesCache;
  }

  get numFiles(): number {
    return this.state.files.size;
  }

  /** Latest SetTransaction version per application id. */
  get txns(): ReadonlyMap<string, Txn> {
    return this.state.txns;
  }

  get domainMetadata(): ReadonlyMap<string, DomainMetadata> {
    return this.state.domains;
  }

  get inCommitTimestamps(): boolean {
    return ictEnabled(this.metadata);
  }
}
