import Fuse from 'fuse-native';
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import { promisify } from 'node:util';
import { PondError } from '../errors.js';
import { Pond } from '../tinylogfs/index.js';
import { HistoryRouter } from './HistoryRouter.js';
import { LIBFUSE_PAGES, buildFuseOptions } from './mountOptions.js';
import { attrCacheSupported, maxRequestPages } from './nativeSupport.js';
import { type RequestCounters, makeOperations } from './operations.js';
import { watchMount } from './mountWatch.js';
import { mountDevice, raiseReadAhead } from './readAhead.js';
import { register, unregister } from './registry.js';

const run = promisify(execFile);

export interface ServeOptions {
  pondDir: string;
  mountpoint: string;
  history?: 'hidden' | 'visible' | 'off';
  readOnly?: boolean;
  /** Serve this past version (read-only). */
  at?: string;
  cacheSize?: number;
  /** Seconds after the first change before a commit (default 5). */
  commitInterval?: number;
  /**
   * Seconds the kernel may cache the attributes of directories and single-link files
   * (default 1; 0: never). Hard-linked files, symlinks and `.history` are never cached,
   * so every name stays exact (native-notes/performance.md "Exact attribute cache").
   */
  attrTimeout?: number;
  log?: (line: string) => void;
}

/** Seconds the kernel may cache exact attributes unless told otherwise (see ServeOptions). */
const DEFAULT_ATTR_TIMEOUT = 1;

/** A pond served at a mount point until stop(). */
export class FuseServer {
  private stopping: Promise<void> | undefined;
  private unwatch: (() => void) | undefined;
  private resolveLost!: () => void;
  /**
   * Resolves when the mount disappeared without stop(): someone ran `umount DIR` or
   * `fusermount -u DIR`. The owner should then stop() (it flushes and releases the pond).
   */
  readonly lost = new Promise<void>((resolve) => { this.resolveLost = resolve; });

  private constructor(
    readonly pond: Pond, readonly fuse: Fuse, readonly mountpoint: string, readonly version: number | undefined,
    private readonly since: string,
    /** What reached the server (tests check which stats are cached, how large requests are). */
    readonly counters: RequestCounters,
  ) {}

  static async start(o: ServeOptions): Promise<FuseServer> {
    const mountpoint = nodePath.resolve(o.mountpoint);
    const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
    const readOnly = (o.readOnly ?? false) || o.at !== undefined;
    const pond = await Pond.open(o.pondDir, {
      readOnly, cacheSize: o.cacheSize, commitInterval: o.commitInterval ?? 5, owner: `pond mount ${mountpoint}`,
      onCommitError: (trigger, err) => log(`${trigger === 'spill' ? 'spill' : `${trigger} commit`} failed, changes kept for the next commit: ${err instanceof Error ? err.message : String(err)}`),
    });
    try {
      const version = o.at === undefined ? undefined : await pond.resolveVersion(o.at);
      const live = version === undefined ? pond.fs : await pond.view(version);
      const router = new HistoryRouter(pond, live, o.history ?? 'hidden');
      const counters: RequestCounters = { getattr: 0, getxattr: 0, largestRead: 0, largestWrite: 0 };
      const ops = makeOperations({ pond, router, readOnly, log, counters });
      await assertMountpoint(mountpoint);
      // Hard links: libfuse's high-level API gives each path its own kernel inode, so a
      // write through one name would leave stale attributes and pages under the other.
      // attr_timeout=0, raised per reply by the patched fuse-native only for directories
      // and single-link files (attrCache), and auto_cache (pages dropped when size/mtime
      // changed at open) keep every name exact. See native-notes/semantics.md.
      // The patched channel is wanted even at 0: it also carries touch -m / -a through
      // (scripts/fuse-native-attr-cache.c, pond_one_time).
      const attrTimeout = o.attrTimeout ?? DEFAULT_ATTR_TIMEOUT;
      const attrCache = attrCacheSupported() ? attrTimeout : undefined;
      if (attrTimeout > 0 && attrCache === undefined) {
        log('fuse-native lacks pond\'s patch (npm run postinstall): attributes are not cached, stat is slower');
      }
      // 1 MiB requests where the binary can ask for them (scripts/fuse-native-attr-cache.c,
      // pond_init_reply): a request's fixed cost is paid 8 times less often. Without the
      // attribute cache's channel this is LIBFUSE_PAGES, which asks for nothing.
      const requestPages = maxRequestPages();
      const fuse = new Fuse(mountpoint, ops, buildFuseOptions({
        force: true, cache: 'auto', attrTimeout: 0, attrCache, requestPages, extra: readOnly ? ['ro'] : [],
      }));
      await new Promise<void>((resolve, reject) => fuse.mount((err) => (err ? reject(err) : resolve())));
      const dev = await mountDevice(mountpoint);
      if (requestPages > LIBFUSE_PAGES) await raiseReadAhead(dev, requestPages * 4);
      const since = new Date().toISOString();
      await register({ pid: process.pid, pond: pond.dir, mountpoint, since });
      const server = new FuseServer(pond, fuse, mountpoint, version, since, counters);
      if (dev !== undefined) server.unwatch = watchMount(dev, () => server.resolveLost());
      return server;
    } catch (err) {
      await pond.close().catch(() => undefined);
      if (err instanceof PondError) throw err;
      throw new PondError('EIO', `cannot mount at ${mountpoint}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  /** Commits what is pending, unmounts, and releases the pond. Safe to call twice. */
  stop(): Promise<void> {
    this.unwatch?.();
    this.stopping ??= (async () => {
      let flushError: unknown;
      try {
        if (!this.pond.readOnly) await this.pond.flush('unmount');
      } catch (err) {
        flushError = err;
      }
      // fuse-native runs `fusermount -uz` itself; only if that failed, try once more.
      const failed = await new Promise<boolean>((resolve) => this.fuse.unmount((err) => resolve(Boolean(err))));
      if (failed) await run('fusermount', ['-uz', this.mountpoint]).catch(() => undefined);
      await this.pond.close().catch((err: unknown) => {
        flushError ??= err;
      });
      if (flushError) {
        // `pond umount` is waiting for this process to end: tell it what was lost.
        const error = flushError instanceof Error ? flushError.message : String(flushError);
        await register({ pid: process.pid, pond: this.pond.dir, mountpoint: this.mountpoint, since: this.since, error });
        throw flushError;
      }
      await unregister(this.mountpoint);
    })();
    return this.stopping;
  }
}

async function assertMountpoint(dir: string): Promise<void> {
  try {
    const st = await fsp.stat(dir);
    if (!st.isDirectory()) throw new PondError('ENOTDIR', `mount point is not a directory: ${dir}`);
  } catch (err) {
    if (err instanceof PondError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    // A stale FUSE mount (server killed): fuse-native's `force` clears it.
    if (code === 'ENOTCONN' || code === 'ECONNABORTED' || code === 'ENXIO') return;
    if (code === 'ENOENT') throw new PondError('ENOENT', `mount point does not exist: ${dir}`);
    throw new PondError('EIO', `cannot use mount point ${dir}: ${String(err)}`);
  }
}
