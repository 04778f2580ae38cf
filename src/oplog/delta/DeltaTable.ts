// The Delta table handle: the latest known snapshot plus the operations that move it
// (commit, refresh) or look back (snapshotAt, snapshotAtTime, commitInfos).

import { PondError, isPondError } from '../../errors.js';
import type { Storage } from '../storage/index.js';
import type { Action, CommitInfo, Metadata, Protocol } from './actions.js';
import { writeCheckpoint } from './checkpointWrite.js';
import { planCommit, writeCommit } from './commit.js';
import { LOG_DIR, commitPath, parseLogName } from './logPaths.js';
import { earliestVersion } from './logSegment.js';
import { checkReadable, checkWritable, ictEnabled } from './protocolCheck.js';
import { applyCommit, type TableState } from './replay.js';
import { Snapshot } from './Snapshot.js';
import { commitTimestamp, ictOf, listLog, loadLatest, loadSnapshot, probeCommits, readCommit, readHint } from './snapshotLoad.js';
import { commitTimes, versionAtTime } from './timeTravel.js';

export interface DeltaTableOptions {
  /** Checkpoint every N versions; else the table's delta.checkpointInterval, else 100. */
  checkpointInterval?: number;
}

export interface CreateTableInit extends DeltaTableOptions {
  metadata: Metadata;
  protocol: Protocol;
  actions?: Action[];
  commitInfo?: CommitInfo;
  timestamp?: number;
}

export interface CommitOptions {
  commitInfo?: CommitInfo;
  timestamp?: number;
  /** Must equal snapshot.version + 1; a guard for callers that computed state against it. */
  expectedVersion?: number;
  /**
   * The commit file is written meanwhile but published only after this resolves (the data
   * files it adds becoming durable); if it rejects, the commit fails with its error.
   */
  after?: Promise<unknown>;
  /**
   * A caller waits for this commit (an fsync): a checkpoint that falls due is left for
   * the next unhurried commit or checkpointIfDue(), until URGENT_CHECKPOINT_FACTOR
   * intervals have passed since the last one.
   */
  urgent?: boolean;
}

/**
 * How many checkpoint intervals urgent commits may go without a checkpoint (the due one is
 * written URGENT_CHECKPOINT_FACTOR - 1 intervals late at most). A checkpoint re-encodes
 * every live file and tombstone (tens of ms once merges have left a few thousand
 * tombstones), far more than the small commit that happens to reach it.
 */
export const URGENT_CHECKPOINT_FACTOR = 4;

export interface CommitInfoEntry { version: number; timestamp: number; commitInfo: CommitInfo | undefined }

export class DeltaTable {
  readonly storage: Storage;
  private current: Snapshot;
  private readonly options: DeltaTableOptions;
  /** Commits from one handle run one after another instead of conflicting with each other. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The last failure of an automatic checkpoint (commits do not fail for it). */
  lastCheckpointError: unknown;
  /** The version at which a checkpoint fell due that urgent commits have not written yet. */
  private dueSince: number | undefined;

  private constructor(storage: Storage, snapshot: Snapshot, options: DeltaTableOptions) {
    this.storage = storage;
    this.current = snapshot;
    this.options = options;
  }

  /** Writes version 0. EEXIST when the location already holds a table. */
  static async create(storage: Storage, init: CreateTableInit): Promise<DeltaTable> {
    checkWritable(init.protocol, storage.location);
    checkReadable(init.protocol, init.metadata, storage.location);
    const existing = (await storage.names(LOG_DIR)).some((n) => parseLogName(n) !== undefined);
    if (existing) throw new PondError('EEXIST', `a Delta table already exists at ${storage.location}`, { op: 'create', path: LOG_DIR });
    const plan = planCommit({
      version: 0,
      actions: [{ protocol: init.protocol }, { metaData: init.metadata }, ...(init.actions ?? [])],
      commitInfo: { operation: 'CREATE TABLE', ...init.commitInfo },
      timestamp: init.timestamp,
      ict: ictEnabled(init.metadata),
    });
    try {
      await writeCommit(storage, plan);
    } catch (err) {
      if (isPondError(err, 'ECONFLICT')) throw new PondError('EEXIST', `a Delta table already exists at ${storage.location}`, { op: 'create', path: commitPath(0), cause: err });
      throw err;
    }
    const state = applyCommit(emptyState(init), plan.actions, 0);
    const ts = plan.inCommitTimestamp ?? (await commitTimestamp(storage, state, plan.actions));
    return new DeltaTable(storage, new Snapshot(state, ts), init);
  }

  /**
   * Opens the latest snapshot: the checkpoint `_last_checkpoint` names and the commits after
   * it, without listing the log unless that hint is missing or wrong. ENOENT when there is no table.
   */
  static async open(storage: Storage, opts: DeltaTableOptions = {}): Promise<DeltaTable> {
    return new DeltaTable(storage, await loadLatest(storage), opts);
  }

  get snapshot(): Snapshot {
    return this.current;
  }

  /**
   * Picks up commits written by others, incrementally: probes for the commits after the
   * current version (no listing). Lists and rebuilds only when probing cannot tell (a gap,
   * more than 1000 new commits, or a checkpoint past the current version with no commit after it).
   */
  async refresh(): Promise<Snapshot> {
    const from = this.current.version;
    const probe = await probeCommits(this.storage, from + 1, 1000);
    if (probe.complete && probe.commits.length === 0) {
      // Nothing new, unless the log moved on in a way probing cannot see (commits after
      // ours cleaned up behind a newer checkpoint): the hint says so.
      const hint = await readHint(this.storage);
      if (!hint || hint.version <= from) return this.current;
    }
    if (probe.complete && probe.commits.length > 0) {
      let state: TableState = this.current.state;
      probe.commits.forEach((v, i) => { state = applyCommit(state, probe.actions[i]!, v); });
      checkReadable(state.protocol, state.metadata, this.storage.location);
      this.current = new Snapshot(state, await commitTimestamp(this.storage, state, probe.actions[probe.actions.length - 1]));
      return this.current;
    }
    const listing = await listLog(this.storage);
    if (listing.latest <= from) return this.current;
    this.current = await loadSnapshot(this.storage, listing, listing.latest);
    return this.current;
  }

  async snapshotAt(version: number): Promise<Snapshot> {
    if (version === this.current.version) return this.current;
    return loadSnapshot(this.storage, await listLog(this.storage), version);
  }

  /** The latest version with time <= ms; ENOVERSION before the first and after the last commit unless allowAfterLatest. */
  async snapshotAtTime(ms: number, opts: { allowAfterLatest?: boolean } = {}): Promise<Snapshot> {
    const times = await commitTimes(this.storage, this.current);
    return this.snapshotAt(await versionAtTime(times, ms, opts.allowAfterLatest ?? false));
  }

  /** Commits `actions` as the next version; ECONFLICT when another writer took it. */
  commit(actions: Action[], opts: CommitOptions = {}): Promise<Snapshot> {
    const run = this.queue.then(() => this.commitNow(actions, opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async commitNow(actions: Action[], opts: CommitOptions): Promise<Snapshot> {
    const prev = this.current;
    const version = prev.version + 1;
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== version) {
      throw new PondError('ECONFLICT', `expected to commit version ${opts.expectedVersion} but the table is at ${prev.version}`, { op: 'commit', path: commitPath(opts.expectedVersion) });
    }
    checkWritable(prev.protocol, this.storage.location);
    const ict = ictEnabled(prev.metadata);
    const plan = planCommit({ version, actions, commitInfo: opts.commitInfo, timestamp: opts.timestamp, ict, previousIct: ict ? prev.timestamp : null });
    await writeCommit(this.storage, plan, opts.after);
    const state = applyCommit(prev.state, plan.actions, version);
    const ts = plan.inCommitTimestamp ?? (await commitTimestamp(this.storage, state, plan.actions));
    this.current = new Snapshot(state, ts);
    const interval = this.checkpointInterval();
    if (version % interval === 0) this.dueSince ??= version;
    if (this.dueSince !== undefined && (!opts.urgent || version - this.dueSince >= (URGENT_CHECKPOINT_FACTOR - 1) * interval)) {
      await this.autoCheckpoint(state);
    }
    return this.current;
  }

  /** Whether urgent commits left a checkpoint for later (see checkpointIfDue). */
  get checkpointDue(): boolean {
    return this.dueSince !== undefined;
  }

  /** Writes the checkpoint urgent commits left, at the latest version (for an idle writer). */
  checkpointIfDue(): Promise<void> {
    const run = this.queue.then(() => (this.dueSince === undefined ? undefined : this.autoCheckpoint(this.current.state)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A failed automatic checkpoint is kept in lastCheckpointError and waits for the next interval. */
  private async autoCheckpoint(state: TableState): Promise<void> {
    this.dueSince = undefined;
    try {
      await writeCheckpoint(this.storage, state);
    } catch (err) {
      this.lastCheckpointError = err;
    }
  }

  private checkpointInterval(): number {
    const prop = Number(this.current.metadata.configuration['delta.checkpointInterval']);
    const n = this.options.checkpointInterval ?? (Number.isInteger(prop) && prop > 0 ? prop : 100);
    return Math.max(1, n);
  }

  /** Writes a classic checkpoint at the current version and points _last_checkpoint at it. */
  async checkpoint(): Promise<void> {
    await writeCheckpoint(this.storage, this.current.state);
  }

  /** commitInfo of each JSON commit in [fromVersion, toVersion], oldest first. */
  async commitInfos(fromVersion?: number, toVersion?: number): Promise<CommitInfoEntry[]> {
    const infos = await this.storage.list(LOG_DIR);
    const mtimes = new Map<number, number>();
    for (const i of infos) {
      const n = parseLogName(i.path.slice(i.path.lastIndexOf('/') + 1));
      if (n?.type === 'commit') mtimes.set(n.version, i.mtimeMs);
    }
    const from = Math.max(fromVersion ?? 0, 0);
    const to = Math.min(toVersion ?? this.current.version, Math.max(this.current.version, ...mtimes.keys()));
    const versions = [...mtimes.keys()].filter((v) => v >= from && v <= to).sort((a, b) => a - b);
    const out: CommitInfoEntry[] = [];
    for (let i = 0; i < versions.length; i += 64) {
      const chunk = versions.slice(i, i + 64);
      const read = await Promise.all(chunk.map((v) => readCommit(this.storage, v)));
      chunk.forEach((v, j) => {
        const acts = read[j]!;
        const ci = acts.find((a): a is { commitInfo: CommitInfo } => 'commitInfo' in a)?.commitInfo;
        out.push({ version: v, timestamp: ictOf(acts) ?? mtimes.get(v)!, commitInfo: ci });
      });
    }
    return out;
  }

  /** The oldest version that can still be rebuilt, and the newest. */
  async versions(): Promise<{ earliest: number; latest: number }> {
    const listing = await listLog(this.storage);
    return { earliest: earliestVersion(listing), latest: listing.latest };
  }
}

function emptyState(init: CreateTableInit): TableState {
  return { version: -1, protocol: init.protocol, metadata: init.metadata, files: new Map(), tombstones: new Map(), txns: new Map(), domains: new Map() };
}
