import * as nodePath from 'node:path';
import { PondError } from '../errors.js';
import { Oplog } from '../oplog/index.js';
import { FS } from '../tinyfs/index.js';
import { ContentCache } from './ContentCache.js';
import { INLINE_MAX, planFlush } from './flush.js';
import { SPILL_MIN, spillFiles } from './spill.js';
import { WriterLock } from './lock.js';
import { LogBackend } from './LogBackend.js';
import { parseVersionSpec } from './versionSpec.js';

export interface PondOptions {
  /** Open without the writer lock; every change is EROFS. */
  readOnly?: boolean;
  /** Bytes of content kept in memory (default 128 MiB). */
  cacheSize?: number;
  /** Seconds after the first change before an automatic flush; 0 disables the timer. */
  commitInterval?: number;
  /** Who holds the lock, for the error a second writer sees. */
  owner?: string;
  /**
   * Told when work nobody waits for fails: the timer's commit ("timer"), or what memory
   * pressure started ("memory": a commit; "spill"). The changes stay pending for the next
   * commit. Failures with the same code (ENOSPC, EIO...) within a minute of the last one
   * told are not told again.
   */
  onCommitError?: (trigger: string, err: unknown) => void;
}

/** How long a repeated background commit failure stays untold. */
const REPEAT_QUIET_MS = 60_000;

export interface CommitResult {
  version: number;
  timestamp: number;
  counts: { created: number; updated: number; deleted: number; bytes: number };
}

const DEFAULT_CACHE = 128 * 1024 * 1024;

/**
 * A pond opened for use: the live TinyFS over the oplog, flushes (group commit: callers
 * that arrive while a commit is being written share the next one), a flush timer, and
 * read-only views of past versions.
 */
export class Pond {
  readonly fs: FS;
  private running: Promise<CommitResult | undefined> | undefined;
  private queued: Promise<CommitResult | undefined> | undefined;
  /** Bytes written before the commit being written began (its frozen overlays). */
  private flushingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly views = new Map<number, Promise<FS>>();
  private closed = false;
  private lastError: { code: string; at: number } | undefined;
  /** Bytes spills chunked since the last commit: that commit names them. */
  private spilledBytes = 0;

  private constructor(
    readonly dir: string,
    readonly oplog: Oplog,
    readonly cache: ContentCache,
    private readonly backend: LogBackend,
    fs: FS,
    private readonly lock: WriterLock | undefined,
    private readonly opts: PondOptions,
  ) {
    this.fs = fs;
    fs.onChange = () => this.changed();
  }

  static async create(dir: string, opts: PondOptions = {}): Promise<Pond> {
    await Oplog.create(dir);
    return Pond.open(dir, opts);
  }

  static async open(dir: string, opts: PondOptions = {}): Promise<Pond> {
    const abs = nodePath.resolve(dir);
    const readOnly = opts.readOnly ?? false;
    // The lock comes first: a writer must not read a log that another writer is extending.
    const lock = readOnly ? undefined : await WriterLock.acquire(abs, opts.owner ?? 'pond');
    try {
      const oplog = await Oplog.open(abs);
      // Chunks a dead writer staged but never published: nothing names them.
      if (!readOnly) await oplog.content.discard();
      const cache = new ContentCache(opts.cacheSize ?? DEFAULT_CACHE);
      const backend = new LogBackend(oplog, cache, { readOnly });
      const fs = await FS.open(backend);
      return new Pond(abs, oplog, cache, backend, fs, lock, opts);
    } catch (err) {
      await lock?.release();
      throw err;
    }
  }

  get readOnly(): boolean {
    return this.backend.readOnly;
  }

  get version(): number {
    return this.oplog.version;
  }

  /** Commits every change since the last flush as one version; undefined when there were none. */
  flush(trigger = 'flush'): Promise<CommitResult | undefined> {
    if (!this.running) {
      this.running = this.commit(trigger).finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    // A commit is being written: everything changed since it started goes in the next one.
    this.queued ??= this.running.catch(() => undefined).then(() => {
      this.queued = undefined;
      return this.flush(trigger);
    });
    return this.queued;
  }

  private async commit(trigger: string): Promise<CommitResult | undefined> {
    this.clearTimer();
    // An fsync waits for this commit, so it does only the commit's own work: merges of
    // small files wait for an unhurried one.
    const urgent = trigger === 'fsync';
    if (!this.fs.hasChanges) {
      if (!urgent && !this.readOnly && this.oplog.upkeepPending) {
        // Upkeep loses nothing when it fails (every row is committed already): the merges
        // wait for the next unhurried commit, instead of failing a close.
        await this.oplog.upkeep().catch(() => undefined);
      }
      return undefined;
    }
    if (this.readOnly) throw new PondError('EROFS', 'the pond is open read-only');
    const changes = this.fs.takeChanges();
    this.flushingBytes = changes.bytes;
    try {
      const plan = await planFlush(changes, this.backend, this.oplog.content, this.cache);
      if (plan.rows.length === 0) return undefined;
      const spilled = this.spilledBytes;
      plan.counts.bytes += spilled;
      const { created, updated, deleted, bytes } = plan.counts;
      const summary = `${trigger}: ${created} created, ${updated} changed, ${deleted} deleted`;
      const { version, timestamp } = await this.oplog.append(plan.rows, {
        commitInfo: { operation: 'WRITE', pond: { trigger, summary, created, updated, deleted, bytes } },
        urgent,
      });
      plan.settle(version);
      this.spilledBytes -= spilled;
      this.lastError = undefined; // a later failure is news again
      return { version, timestamp, counts: plan.counts };
    } catch (err) {
      this.fs.restoreChanges(changes);
      if (trigger === 'timer' || trigger === 'memory') this.tell(trigger, err);
      throw err;
    } finally {
      this.flushingBytes = 0;
      // Merges an fsync left behind run once the writer has been idle for the interval.
      if (this.oplog.upkeepPending) this.changed();
    }
  }

  /** A background commit failed: tell onCommitError, unless it just heard the same. */
  private tell(trigger: string, err: unknown): void {
    // Messages name temp files, which differ from one attempt to the next: compare codes.
    const code = String((err as { code?: unknown } | null)?.code ?? (err instanceof Error ? err.message : err));
    const now = Date.now();
    const last = this.lastError;
    if (last && last.code === code && now - last.at < REPEAT_QUIET_MS) return;
    this.lastError = { code, at: now };
    this.opts.onCommitError?.(trigger, err);
  }

  private changed(): void {
    if (this.closed) return;
    const interval = this.opts.commitInterval ?? 0;
    if (interval > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush('timer').catch(() => undefined);
      }, interval * 1000);
      this.timer.unref();
    }
  }

  /**
   * Dirty bytes count against the cache budget: clean content is evicted to make room for
   * them. Past an eighth of the budget a spill starts (spill.ts: big files' dirty pages
   * become chunk files, no commit; a commit when only small files are dirty), and writes
   * go on beside it (the chunking runs on a worker thread): double buffering, so a stream
   * is not stopped at every eighth. The caller must wait when the next eighth fills while
   * that spill is still running, or when a quarter of the budget is dirty. Eighths, not
   * quarters: the freed pages go only at a GC, which V8 starts after ~64 MiB of garbage
   * array buffers, so the dirty bytes in memory count twice; with quarters a 1 GiB stream
   * through a 128 MiB cache peaked at 291-304 MiB RSS, with eighths at 268-277 MiB.
   */
  pressure(): Promise<CommitResult | undefined> | undefined {
    const pending = this.fs.pendingBytes;
    this.cache.trim(this.cache.maxBytes - pending - this.flushingBytes);
    if (pending <= this.cache.maxBytes / 8) return undefined;
    if (this.running) return this.running;
    // A small cache (tests) spills smaller files too.
    const spill = this.spill(Math.min(SPILL_MIN, this.cache.maxBytes / 64));
    if (pending > this.cache.maxBytes / 4) return spill;
    // Not awaited: after a failure the pages stay, and the next pressure tries again.
    spill.catch(() => undefined);
    return undefined;
  }

  /**
   * Frees the dirty pages of files holding at least `min` bytes of them, without a
   * commit (spill.ts); with no such file, commits instead (trigger "memory"), the only
   * way to free many small files. Never beside a commit: while one runs, this is it.
   */
  spill(min = SPILL_MIN): Promise<CommitResult | undefined> {
    // A commit or spill under way frees memory too. Not queued: a queued flush must stay
    // a commit (an fsync waits on it), and the next write's pressure() asks again.
    if (this.running) return this.running;
    this.running = this.spillNow(min).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async spillNow(min: number): Promise<CommitResult | undefined> {
    if (this.readOnly) return undefined;
    // Files a commit would store inline stay in pages: chunks would change how they are stored.
    const files = this.fs.dirtyFiles(Math.max(1, min)).filter((f) => f.size > INLINE_MAX);
    const dirty = files.reduce((n, f) => n + f.content.dirtyBytes, 0);
    // Pending counts bytes written: rewrites of dirty pages and files too small to spill
    // stay pending after a spill. When a spill would free less than half, only a commit
    // brings pending down (else pressure would spill again at every write).
    const pending = this.fs.pendingBytes;
    if (dirty === 0 || dirty < pending / 2) return this.commit('memory');
    this.fs.adjustPending(-Math.min(dirty, pending));
    this.flushingBytes = dirty;
    try {
      this.spilledBytes += await spillFiles(files, this.oplog.content, this.cache, this.backend, (unfreed) => this.fs.adjustPending(unfreed));
      // Published now, not by the next commit: the chunks' data reaches the disk while
      // writes go on, as it did when pressure committed, and an fsync after a long write
      // has only the last part to sync (256 MiB: 0.6 s of fsync when all waited for it,
      // 0.2 s this way). A crash before the commit leaves chunks no version names: space,
      // not harm (a name is its content's hash).
      await this.oplog.content.publish();
      this.lastError = undefined; // a later failure is news again
      return undefined;
    } catch (err) {
      this.tell('spill', err);
      throw err;
    } finally {
      this.flushingBytes = 0;
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Resolves `V` (a version number) or an ISO-8601 time to a version of this pond. */
  async resolveVersion(spec: string | number): Promise<number> {
    const parsed = parseVersionSpec(spec);
    const latest = this.oplog.version;
    if (parsed.kind === 'version') {
      if (parsed.version > latest) throw new PondError('ENOVERSION', `version ${parsed.version} does not exist (latest is ${latest})`);
      return parsed.version;
    }
    const snap = await this.oplog.table.snapshotAtTime(parsed.time, { allowAfterLatest: true });
    return snap.version;
  }

  /** A read-only filesystem as the pond was at `version`. */
  view(version: number): Promise<FS> {
    if (version > this.oplog.version || version < 0 || !Number.isInteger(version)) {
      return Promise.reject(new PondError('ENOVERSION', `version ${version} does not exist (latest is ${this.oplog.version})`));
    }
    let v = this.views.get(version);
    if (!v) {
      const backend = new LogBackend(this.oplog, this.cache, { readOnly: true, maxVersion: version });
      v = FS.open(backend);
      v.catch(() => this.views.delete(version));
      this.views.set(version, v);
      // A few recent views are plenty; each holds its own loaded directories.
      if (this.views.size > 16) this.views.delete(this.views.keys().next().value!);
    }
    return v;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.readOnly) {
        await this.flush('close');
        // Close may have shared a queued fsync commit, which leaves its merges deferred:
        // they are close's to make (an idle upkeep, as the timer would).
        if (this.oplog.upkeepPending) await this.flush('close');
      }
    } finally {
      this.closed = true;
      this.clearTimer();
      // A failed last flush leaves staged chunks that no commit will ever name.
      if (!this.readOnly) await this.oplog.content.discard().catch(() => undefined);
      await this.lock?.release();
    }
  }
}
