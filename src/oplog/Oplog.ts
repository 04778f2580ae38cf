// The oplog: pond records <-> the Delta table. One append is one Delta commit (one pond
// version) with one Parquet file per touched partition; reading a partition decodes its
// live files. Large content lives in the ContentStore beside the table.
import * as nodePath from 'node:path';
import { LRUCache } from 'lru-cache';
import { PondError, isPondError } from '../errors.js';
import { AUTO_COMPACT_FILES, URGENT_COMPACT_FACTOR, mergeable, pickMerge } from './compaction.js';
import { ContentStore, sha256Hex } from './content/index.js';
import { RecentRows } from './recentRows.js';
import { DeltaTable, LayeredMap, commitPath, fileKey, type Action, type AddFile, type Snapshot } from './delta/index.js';
import { PARTITION_COLUMN, decodeRecords, newestRows, readChunkLists, type NewestRows, readInlineContent, type OpRecord, type RecordSource, type StoredRecord } from './records/index.js';
import { LocalStorage, type Storage } from './storage/index.js';
import { WRITE_PARALLELISM, encodeSmallCommit, groupByPartition, mapBounded, removeFiles, writeDataFiles } from './records/index.js';
import { DEFAULT_CHECKPOINT_INTERVAL, POND_PROTOCOL, pondMetadata, rootRecord } from './records/index.js';

export { ROOT_ID } from './records/index.js';

/**
 * Data files this big are decoded without their chunk lists when only the newest rows are
 * wanted: the lists of old versions of big files are most of such a file.
 */
const LAZY_CHUNKS_BYTES = 256 * 1024;

/** Memory for the rows of recently written small files (see RecentRows). */
const RECENT_ROWS_BYTES = 32 * 1024 * 1024;

export interface OplogOptions {
  /** Checkpoint every N versions (create: stored in the table; open: overrides it). */
  checkpointInterval?: number;
  /** Bytes of data files kept in memory for repeated reads (default 64 MiB). */
  fileCacheBytes?: number;
  /** Owner of the root directory at create (default: this process). */
  uid?: number;
  gid?: number;
  /** Clock, for tests (default Date.now). */
  now?: () => number;
  /**
   * An append to a partition holding this many data files also merges its small files
   * (default AUTO_COMPACT_FILES; 0: never, as `pond maintain` alone would).
   */
  autoCompactFiles?: number;
}

export interface AppendOptions {
  commitInfo?: Record<string, unknown>;
  /**
   * A caller waits for this commit (an fsync): merges of small files are left for a later
   * append or upkeep() unless a partition holds URGENT_COMPACT_FACTOR times the threshold.
   */
  urgent?: boolean;
}

/** A record as the caller hands it to append: version and timestamp are the commit's. */
export type NewRecord = Omit<OpRecord, 'version' | 'timestamp'>;

export interface AppendResult { version: number; timestamp: number }

export interface CompactResult {
  /** The version of the compaction commit, or null when nothing needed compacting. */
  version: number | null;
  partitions: number;
  filesRemoved: number;
  filesAdded: number;
}

export class Oplog {
  readonly table: DeltaTable;
  readonly content: ContentStore;
  private readonly now: () => number;
  private readonly autoCompactFiles: number;
  /** Rows of the small files this handle wrote, for merges (no decode of our own files). */
  private readonly recentRows = new RecentRows(RECENT_ROWS_BYTES);
  /** Partitions an urgent append left at or over autoCompactFiles files: merged later. */
  private readonly deferredMerges = new Set<string>();
  private readonly byPartition = new WeakMap<Snapshot, ReadonlyMap<string, readonly AddFile[]>>();
  private readonly fileCache: LRUCache<string, Uint8Array>;
  /** Appends from one handle run one after another: each needs the previous version. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(table: DeltaTable, content: ContentStore, opts: OplogOptions) {
    this.table = table;
    this.content = content;
    this.now = opts.now ?? Date.now;
    this.autoCompactFiles = opts.autoCompactFiles ?? AUTO_COMPACT_FILES;
    this.fileCache = new LRUCache<string, Uint8Array>({
      maxSize: opts.fileCacheBytes ?? 64 * 1024 * 1024,
      sizeCalculation: (b) => Math.max(1, b.length),
    });
  }

  /** A new pond at `pondDir`: table in `oplog/`, chunks in `content/`. EEXIST if one is there. */
  static async create(pondDir: string, opts: OplogOptions = {}): Promise<Oplog> {
    return Oplog.fromStorage(...pondStorages(pondDir), { ...opts, create: true });
  }

  /** The pond at `pondDir`; ENOENT when there is none. */
  static async open(pondDir: string, opts: OplogOptions = {}): Promise<Oplog> {
    try {
      return await Oplog.fromStorage(...pondStorages(pondDir), opts);
    } catch (err) {
      if (isPondError(err, 'ENOENT')) throw new PondError('ENOENT', `no pond at ${pondDir}`, { op: 'open', path: pondDir, cause: err });
      throw err;
    }
  }

  /** Over any storages (e.g. MemoryStorage in tests): opens, or creates with `create: true`. */
  static async fromStorage(table: Storage, content: Storage, opts: OplogOptions & { create?: boolean } = {}): Promise<Oplog> {
    if (!opts.create) {
      const t = await DeltaTable.open(table, opts.checkpointInterval === undefined ? {} : { checkpointInterval: opts.checkpointInterval });
      return new Oplog(t, new ContentStore(content), opts);
    }
    const now = (opts.now ?? Date.now)();
    const interval = opts.checkpointInterval ?? DEFAULT_CHECKPOINT_INTERVAL;
    const root: OpRecord = {
      ...rootRecord(now, opts.uid ?? process.getuid?.() ?? 0, opts.gid ?? process.getgid?.() ?? 0),
      version: 0, timestamp: now,
    };
    const adds = await writeDataFiles(table, groupByPartition([root]), now, true);
    try {
      const t = await DeltaTable.create(table, {
        protocol: POND_PROTOCOL,
        metadata: pondMetadata(interval, now),
        actions: adds.map((add) => ({ add })),
        commitInfo: { operation: 'CREATE TABLE', pond: { summary: 'create pond' } },
        timestamp: now,
        checkpointInterval: interval,
      });
      return new Oplog(t, new ContentStore(content), opts);
    } catch (err) {
      await removeFiles(table, adds.map((a) => a.path));
      throw err;
    }
  }

  get version(): number { return this.table.snapshot.version; }
  get timestamp(): number { return this.table.snapshot.timestamp; }
  get snapshot(): Snapshot { return this.table.snapshot; }

  /** The snapshot at `version` (ENOVERSION when outside the history). */
  snapshotAt(version: number): Promise<Snapshot> { return this.table.snapshotAt(version); }

  /** Picks up commits of other writers. */
  refresh(): Promise<Snapshot> { return this.table.refresh(); }

  /**
   * Active data files by part_id, computed once per snapshot (and carried from one commit
   * of this handle to the next by carryPartitions, so a commit does not regroup the table).
   */
  partitionFiles(snapshot: Snapshot = this.table.snapshot): ReadonlyMap<string, readonly AddFile[]> {
    let map = this.byPartition.get(snapshot);
    if (!map) {
      const built = new Map<string, AddFile[]>();
      for (const f of snapshot.files) {
        const part = f.partitionValues[PARTITION_COLUMN] ?? '';
        let list = built.get(part);
        if (!list) built.set(part, (list = []));
        list.push(f);
      }
      this.byPartition.set(snapshot, (map = built));
    }
    return map;
  }

  /**
   * After this handle committed `actions` on `prev` as `next`: next's files by partition
   * are prev's with only the touched partitions' lists rebuilt (when prev's are known).
   */
  private carryPartitions(prev: Snapshot, next: Snapshot, actions: readonly Action[]): void {
    const known = this.byPartition.get(prev);
    if (!known || next.version !== prev.version + 1) return;
    const touched = new Map<string, AddFile[]>();
    const list = (partId: string): AddFile[] => {
      let l = touched.get(partId);
      if (!l) touched.set(partId, (l = [...(known.get(partId) ?? [])]));
      return l;
    };
    for (const a of actions) {
      if ('add' in a) {
        const key = fileKey(a.add);
        const l = list(a.add.partitionValues[PARTITION_COLUMN] ?? '');
        const at = l.findIndex((f) => fileKey(f) === key);
        if (at >= 0) l[at] = a.add;
        else l.push(a.add);
      } else if ('remove' in a) {
        // The partition of the file as the table knows it (a remove's partitionValues are optional).
        const key = fileKey(a.remove);
        const live = prev.state.files.get(key);
        if (!live) continue;
        const l = list(live.partitionValues[PARTITION_COLUMN] ?? '');
        const at = l.findIndex((f) => fileKey(f) === key);
        if (at >= 0) l.splice(at, 1);
      }
    }
    const changes = [...touched].map(([partId, l]): [string, AddFile[] | undefined] => [partId, l.length ? l : undefined]);
    this.byPartition.set(next, LayeredMap.of(known).with(changes));
  }

  /**
   * Every row of a partition's active files at `snapshot` (default: latest), oldest
   * version first. Without `withContent` the inline content stays on disk: fetch it with
   * readContent(row.source). With `newest` (a version bound, Infinity for all), only the
   * rows a replay up to that version keeps (see newestRows), and chunk lists are decoded
   * for those rows only.
   */
  async readPartition(partId: string, opts: { snapshot?: Snapshot; withContent?: boolean; newest?: number } = {}): Promise<StoredRecord[]> {
    if (opts.newest !== undefined) {
      const { nodes, entries } = await this.readNewest(partId, opts.newest, opts.snapshot);
      return [...nodes.values(), ...entries.values()].sort((a, b) => a.version - b.version);
    }
    const files = this.partitionFiles(opts.snapshot).get(partId) ?? [];
    return (await this.decodeFiles(files, partId, opts.withContent ?? false, false)).rows;
  }

  /**
   * The rows a replay up to `maxVersion` keeps (see newestRows: delete rows included), by
   * node id and by entry name; chunk lists are decoded for those rows only.
   */
  async readNewest(partId: string, maxVersion: number, snapshot?: Snapshot): Promise<NewestRows<StoredRecord>> {
    const files = this.partitionFiles(snapshot).get(partId) ?? [];
    const { rows, lazy } = await this.decodeFiles(files, partId, false, true);
    const newest = newestRows(rows, partId, maxVersion);
    const want = new Map<string, StoredRecord[]>();
    for (const r of newest.nodes.values()) {
      if (r.kind !== 'file' || r.op === 'delete' || !r.size || !lazy.has(r.source.path)) continue;
      let list = want.get(r.source.path);
      if (!list) want.set(r.source.path, (list = []));
      list.push(r);
    }
    for (const [path, wanted] of want) {
      const lists = readChunkLists(lazy.get(path)!, wanted.map((r) => r.source.row), path);
      for (const r of wanted) r.chunks = lists.get(r.source.row) ?? null;
    }
    return newest;
  }

  /**
   * The rows of some data files of one partition, oldest version first. With `lazyChunks`,
   * files of LAZY_CHUNKS_BYTES or more are decoded without their chunk lists and returned
   * in `lazy` (path -> bytes) for readChunkLists.
   */
  private async decodeFiles(files: readonly AddFile[], partId: string, withContent: boolean, lazyChunks: boolean): Promise<{ rows: StoredRecord[]; lazy: Map<string, Uint8Array> }> {
    const lazy = new Map<string, Uint8Array>();
    const perFile = await mapBounded(files, WRITE_PARALLELISM, async (f) => {
      // Not kept in the file cache: a partition is decoded once, and its rows are kept.
      const bytes = await this.readFile(f.path, false);
      const withChunks = !lazyChunks || bytes.length < LAZY_CHUNKS_BYTES;
      if (!withChunks) lazy.set(f.path, bytes);
      const rows = decodeRecords(bytes, { withContent, withChunks, partId, path: f.path }) as StoredRecord[];
      for (let i = 0; i < rows.length; i++) rows[i]!.source = { path: f.path, row: i };
      return rows;
    });
    const all = perFile.flat();
    // Stable: rows of one version keep their file order.
    all.sort((a, b) => a.version - b.version);
    return { rows: all, lazy };
  }

  /**
   * The inline content of one row, checked against `sha256` when given: a mismatch is EIO
   * naming the data file and row, never silently wrong bytes.
   */
  async readContent(source: RecordSource, sha256?: string | null): Promise<Uint8Array> {
    const bytes = await this.readFile(source.path);
    const data = readInlineContent(bytes, source.row, source.path);
    if (data === null) {
      throw new PondError('EIO', `no inline content at row ${source.row} of ${source.path}`, { op: 'readContent', path: source.path });
    }
    if (sha256) {
      const actual = sha256Hex(data);
      if (actual !== sha256) {
        throw new PondError('EIO', `inline content at row ${source.row} of ${source.path} hashes to ${actual}, expected ${sha256}`, { op: 'readContent', path: source.path });
      }
    }
    return data;
  }

  /**
   * One Delta commit holding `rows`: version = latest + 1, timestamp = max(now, last + 1 ms),
   * both written into every row. One data file per part_id, written before the commit.
   */
  append(rows: readonly NewRecord[], opts: AppendOptions = {}): Promise<AppendResult> {
    const run = this.queue.then(() => this.appendNow(rows, opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendNow(rows: readonly NewRecord[], opts: AppendOptions): Promise<AppendResult> {
    const prev = this.table.snapshot;
    const version = prev.version + 1;
    const timestamp = Math.max(this.now(), prev.timestamp + 1);
    const full: OpRecord[] = rows.map((r) => ({ ...r, version, timestamp }));
    const groups = groupByPartition(full);
    // Partitions this commit touches that hold many files: their small files are merged in
    // the same commit (add + remove, dataChange=false), so a pond stays quick to read
    // without `pond maintain` and without a version of its own for the upkeep. An urgent
    // append (an fsync waits for it) merges only past the hard bound and leaves the rest
    // to the next unhurried commit, so an fsync pays for its own rows alone.
    const merges = this.pickMerges(prev, [...groups.keys()], opts.urgent ?? false);
    const merged = await this.rewrite(merges, timestamp);
    // A small commit (an fsync's) writes its commit file while its data files are being
    // written and synced; the commit's name is linked only after they are durable.
    const small = encodeSmallCommit(this.table.storage, groups, timestamp);
    let adds: AddFile[];
    try {
      adds = small?.adds ?? await writeDataFiles(this.table.storage, groups, timestamp, true);
    } catch (err) {
      await removeFiles(this.table.storage, merged.adds.map((a) => a.path));
      throw err;
    }
    const actions: Action[] = [...adds.map((add) => ({ add })), ...merged.actions];
    try {
      const snap = await this.table.commit(actions, {
        ...(small ? { after: small.stored } : {}),
        commitInfo: {
          operation: 'WRITE',
          operationParameters: { mode: 'Append', partitionBy: JSON.stringify([PARTITION_COLUMN]) },
          ...opts.commitInfo,
        },
        timestamp,
        expectedVersion: version,
        urgent: opts.urgent ?? false,
      });
      this.carryPartitions(prev, snap, actions);
      for (const [partId] of merges) this.deferredMerges.delete(partId);
      this.rememberRows(adds, groups);
      this.rememberRows(merged.adds, merged.rows, merged.actions, merged.sizes);
      return { version: snap.version, timestamp: snap.timestamp };
    } catch (err) {
      await small?.stored.catch(() => undefined);
      await this.discardUnpublished(version, err, [...adds, ...merged.adds].map((a) => a.path));
      throw err;
    }
  }

  /**
   * The merges an append makes: each touched partition holding autoCompactFiles files or
   * more (and, unhurried, the partitions urgent appends deferred). An urgent append merges
   * only at URGENT_COMPACT_FACTOR times that and defers the others.
   */
  private pickMerges(snapshot: Snapshot, touched: readonly string[], urgent: boolean): Array<[string, readonly AddFile[]]> {
    if (this.autoCompactFiles <= 0) return [];
    const soft = this.autoCompactFiles;
    const hard = soft * URGENT_COMPACT_FACTOR;
    const parts = urgent ? touched : [...new Set([...touched, ...this.deferredMerges])];
    const byPartition = this.partitionFiles(snapshot);
    const out: Array<[string, readonly AddFile[]]> = [];
    for (const partId of parts) {
      const files = byPartition.get(partId) ?? [];
      if (files.length < soft) {
        if (!urgent) this.deferredMerges.delete(partId);
        continue;
      }
      if (urgent && files.length < hard) {
        this.deferredMerges.add(partId);
        continue;
      }
      const picked = pickMerge(files);
      if (picked.length) out.push([partId, picked]);
      else this.deferredMerges.delete(partId); // nothing small left to merge
    }
    return out;
  }

  /** Whether urgent appends left merges or a checkpoint for upkeep() (or the next unhurried append). */
  get upkeepPending(): boolean {
    return this.deferredMerges.size > 0 || this.table.checkpointDue;
  }

  /**
   * Makes the merges urgent appends deferred, as one commit of their own (add + remove,
   * dataChange=false), and the checkpoint they left: for an idle writer, so that a
   * partition's count of small files and the log's tail come back down without waiting
   * for the next change.
   */
  upkeep(opts: { commitInfo?: Record<string, unknown> } = {}): Promise<CompactResult> {
    const run = this.queue.then(async () => {
      const snapshot = this.table.snapshot;
      const merges = this.pickMerges(snapshot, [], false);
      const res = await this.commitRewrite(snapshot, merges, { pond: { trigger: 'upkeep' }, ...opts.commitInfo });
      for (const [partId] of merges) this.deferredMerges.delete(partId);
      // The merge's commit wrote a due checkpoint; without one, it is written here.
      await this.table.checkpointIfDue();
      return res;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Rewrites each partition holding more than `minFiles` (default 1) files into one file,
   * as one commit of add + remove with dataChange=false: rows keep their own versions and
   * timestamps, and older snapshots still see the old files until a vacuum.
   */
  compact(opts: { minFiles?: number; commitInfo?: Record<string, unknown> } = {}): Promise<CompactResult> {
    const run = this.queue.then(() => this.compactNow(opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async compactNow(opts: { minFiles?: number; commitInfo?: Record<string, unknown> }): Promise<CompactResult> {
    const snapshot = this.table.snapshot;
    const minFiles = Math.max(2, opts.minFiles ?? 2);
    const targets = [...this.partitionFiles(snapshot)].filter(([, files]) => files.length >= minFiles);
    return this.commitRewrite(snapshot, targets, opts.commitInfo);
  }

  /**
   * Rewrites each group of files (one partition each) as one file, in an OPTIMIZE commit of
   * its own (`info` adds to, or overrides, its commitInfo).
   */
  private async commitRewrite(snapshot: Snapshot, targets: ReadonlyArray<readonly [string, readonly AddFile[]]>, info: Record<string, unknown> = {}): Promise<CompactResult> {
    if (targets.length === 0) return { version: null, partitions: 0, filesRemoved: 0, filesAdded: 0 };
    const commitInfo = { operation: 'OPTIMIZE', operationParameters: { predicate: '[]' }, ...info };
    const { adds, actions, rows, sizes } = await this.rewrite(targets, this.now());
    try {
      const snap = await this.table.commit(actions, { commitInfo, expectedVersion: snapshot.version + 1 });
      this.carryPartitions(snapshot, snap, actions);
      this.rememberRows(adds, rows, actions, sizes);
      return { version: snap.version, partitions: targets.length, filesRemoved: actions.length - adds.length, filesAdded: adds.length };
    } catch (err) {
      await this.discardUnpublished(snapshot.version + 1, err, adds.map((a) => a.path));
      throw err;
    }
  }

  /**
   * Writes the rows of each group of files (one partition each) as one new file, durable
   * but not committed, and returns the actions that swap them in: add + remove with
   * dataChange=false. Rows keep their own versions and timestamps, and older snapshots
   * still name the old files, which stay on disk (history is never vacuumed).
   */
  private async rewrite(targets: ReadonlyArray<readonly [string, readonly AddFile[]]>, now: number): Promise<{ adds: AddFile[]; actions: Action[]; rows: Map<string, OpRecord[]>; sizes: Map<string, number> }> {
    if (targets.length === 0) return { adds: [], actions: [], rows: new Map(), sizes: new Map() };
    const groups = new Map<string, OpRecord[]>();
    const sizes = new Map<string, number>();
    for (const [partId, files] of targets) {
      // Rows this handle wrote are at hand; only the other files are read and decoded.
      const rows: OpRecord[] = [];
      const unknown: AddFile[] = [];
      let bytes = 0;
      for (const f of files) {
        const known = this.recentRows.get(f.path);
        if (!known) {
          unknown.push(f);
          continue;
        }
        for (const r of known.rows) rows.push(r);
        bytes += known.bytes;
      }
      if (unknown.length) {
        const decoded = (await this.decodeFiles(unknown, partId, true, false)).rows.map(({ source: _s, ...r }) => r);
        for (const r of decoded) rows.push(r);
        bytes += RecentRows.bytesOf(decoded);
      }
      sizes.set(partId, bytes);
      // Oldest version first, as decodeFiles orders them. Stable: no two live files of a
      // partition hold the same version, so a version's rows keep their file order.
      rows.sort((a, b) => a.version - b.version);
      groups.set(partId, rows);
    }
    const adds = await writeDataFiles(this.table.storage, groups, now, false);
    const removes: Action[] = targets.flatMap(([, files]) => files.map((f) => ({
      remove: {
        path: f.path, deletionTimestamp: now, dataChange: false, partitionValues: f.partitionValues,
        size: f.size, extendedFileMetadata: true,
      },
    })));
    return { adds, actions: [...adds.map((add) => ({ add })), ...removes], rows: groups, sizes };
  }

  /**
   * After a commit: keeps the rows of its new files a later merge may take (mergeable())
   * and drops the rows of the files it removed.
   */
  private rememberRows(adds: readonly AddFile[], rows: ReadonlyMap<string, OpRecord[]>, actions: readonly Action[] = [], sizes?: ReadonlyMap<string, number>): void {
    for (const a of actions) if ('remove' in a) this.recentRows.forget(a.remove.path);
    for (const add of adds) {
      const partId = add.partitionValues[PARTITION_COLUMN] ?? '';
      const partRows = rows.get(partId);
      if (partRows && mergeable(add.size)) this.recentRows.remember(add.path, partRows, sizes?.get(partId));
    }
  }

  /**
   * After a failed commit, removes its data files unless the commit became visible anyway
   * (linked, then the folder sync failed): a visible commit's files must stay. A lost race
   * (ECONFLICT) means the commit at that version is another writer's.
   */
  private async discardUnpublished(version: number, err: unknown, paths: string[]): Promise<void> {
    if (!isPondError(err, 'ECONFLICT')) {
      const published = await this.table.storage.stat(commitPath(version)).catch(() => 'unknown' as const);
      if (published !== undefined) return;
    }
    await removeFiles(this.table.storage, paths);
  }

  /** A data file's bytes, through the cache (data files are immutable once committed). */
  private async readFile(path: string, keep = true): Promise<Uint8Array> {
    const hit = this.fileCache.get(path);
    if (hit) return hit;
    let bytes: Uint8Array;
    try {
      bytes = await this.table.storage.read(path);
    } catch (err) {
      if (isPondError(err, 'ENOENT')) {
        throw new PondError('EIO', `data file ${path} of the oplog is missing`, { op: 'read', path, cause: err });
      }
      throw err;
    }
    if (keep) this.fileCache.set(path, bytes);
    return bytes;
  }
}

function pondStorages(pondDir: string): [Storage, Storage] {
  return [new LocalStorage(nodePath.join(pondDir, 'oplog')), new LocalStorage(nodePath.join(pondDir, 'content'))];
}
