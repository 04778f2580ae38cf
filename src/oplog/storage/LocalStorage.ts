import { randomUUID } from 'node:crypto';
import { close, linkSync, mkdirSync, open, promises as fsp, read, unlinkSync, writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { PondError, errnoCode, toPondError } from '../../errors.js';
import { mapBounded } from '../mapBounded.js';
import { createSynced, fsyncDir } from './durableFile.js';
import type { FileInfo, Storage } from './Storage.js';
import { syncfs } from './syncfs.js';

// Temp files live in a `.tmp/` folder beside their final name: Delta readers ignore
// dot-folders inside `_delta_log/`, and a hard link needs the same filesystem.
const TMP_DIR = '.tmp';

/** A Storage over a local directory. */
export class LocalStorage implements Storage {
  readonly location: string;
  private staged: Array<{ tmp: string; target: string }> = [];
  /** Staged files by target, readable before they are published. */
  private stagedByTarget = new Map<string, string>();
  /** Directories whose names this process has made durable (ensureDir): no mkdir per write. */
  private readonly dirs = new Set<string>();
  /** Directories writeFresh made (or found) whose names wait for the next sync(). */
  private readonly unsyncedDirs = new Set<string>();

  constructor(readonly root: string) {
    this.location = root;
  }

  private abs(path: string): string {
    if (path.split('/').includes('..')) {
      throw new PondError('EINVAL', `path escapes the store: ${path}`, { path });
    }
    return nodePath.join(this.root, path);
  }

  async list(dir: string): Promise<FileInfo[]> {
    const base = this.abs(dir);
    let names: string[];
    try {
      names = await fsp.readdir(base);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw toPondError(err, 'list', dir);
    }
    const out: FileInfo[] = [];
    await Promise.all(names.map(async (name) => {
      try {
        const st = await fsp.stat(nodePath.join(base, name));
        if (st.isFile()) out.push({ path: joinRel(dir, name), size: st.size, mtimeMs: st.mtimeMs });
      } catch (err) {
        // A file removed between readdir and stat is simply not listed.
        if (errnoCode(err) !== 'ENOENT') throw toPondError(err, 'list', joinRel(dir, name));
      }
    }));
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return out;
  }

  async names(dir: string): Promise<string[]> {
    try {
      const ents = await fsp.readdir(this.abs(dir), { withFileTypes: true });
      return ents.filter((e) => e.isFile()).map((e) => e.name).sort();
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw toPondError(err, 'list', dir);
    }
  }

  async listDirs(dir: string): Promise<string[]> {
    try {
      const ents = await fsp.readdir(this.abs(dir), { withFileTypes: true });
      return ents.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw toPondError(err, 'list', dir);
    }
  }

  async read(path: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
    try {
      return await this.onFile(this.abs(path), (file) => readAt(file, range));
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') {
        throw new PondError('ENOENT', `missing file ${nodePath.join(this.root, path)}`, { op: 'read', path, cause: err });
      }
      throw toPondError(err, 'read', path);
    }
  }

  async stat(path: string): Promise<FileInfo | undefined> {
    try {
      const st = await this.onFile(this.abs(path), (file) => fsp.stat(file));
      return { path, size: st.size, mtimeMs: st.mtimeMs };
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return undefined;
      throw toPondError(err, 'stat', path);
    }
  }

  /**
   * `fn` on the file that holds `target`'s bytes: its staged copy until it is published,
   * then the name. A publish links the name before it forgets the staged copy and unlinks
   * it, so a staged copy gone since the look (ENOENT) means the name is there, or the
   * copy was discarded (then the name's ENOENT is the answer).
   */
  private async onFile<T>(target: string, fn: (file: string) => Promise<T>): Promise<T> {
    const staged = this.stagedByTarget.get(target);
    if (staged !== undefined) {
      try {
        return await fn(staged);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw err;
      }
    }
    return fn(target);
  }

  async putIfAbsent(path: string, data: Uint8Array, opts: { after?: Promise<unknown> } = {}): Promise<void> {
    const target = this.abs(path);
    opts.after?.catch(() => undefined); // observed below, after the first await
    await this.ensureDir(nodePath.dirname(target)).catch((err: unknown) => { throw toPondError(err, 'putIfAbsent', path); });
    // The temp is written and synced while `after` (the commit's data files) completes.
    const written = this.writeTemp(target, data);
    let tmp: string;
    try {
      [tmp] = await Promise.all([written, opts.after]);
    } catch (err) {
      const orphan = await written.catch(() => undefined);
      if (orphan) await fsp.unlink(orphan).catch(() => undefined);
      throw err;
    }
    // Link and unlink are quick metadata calls: on the JS thread (see durableFile.ts).
    try {
      linkSync(tmp, target);
    } catch (err) {
      unlinkQuietly(tmp);
      if (errnoCode(err) === 'EEXIST') {
        throw new PondError('EEXIST', `already exists: ${target}`, { op: 'putIfAbsent', path, cause: err });
      }
      throw toPondError(err, 'putIfAbsent', path);
    }
    // The temp's removal need not be durable (it lives in another folder).
    unlinkQuietly(tmp);
    await fsyncDir(nodePath.dirname(target));
  }

  async putNew(path: string, data: Uint8Array): Promise<void> {
    const target = this.abs(path);
    const dir = nodePath.dirname(target);
    try {
      await this.ensureDir(dir);
      // Content and name are independent here (nothing refers to the name yet): synced at once.
      await createSynced(target, data, dir);
    } catch (err) {
      if (errnoCode(err) === 'EEXIST') {
        throw new PondError('EEXIST', `already exists: ${target}`, { op: 'putNew', path, cause: err });
      }
      if (errnoCode(err) === 'ENOENT') this.dirs.delete(dir); // removed behind our back
      throw toPondError(err, 'putNew', path);
    }
  }

  async put(path: string, data: Uint8Array): Promise<void> {
    const target = this.abs(path);
    const tmp = await this.writeTemp(target, data);
    try {
      await fsp.rename(tmp, target);
    } catch (err) {
      unlinkQuietly(tmp);
      throw toPondError(err, 'put', path);
    }
    await fsyncDir(nodePath.dirname(target));
  }

  async stage(path: string, data: Uint8Array): Promise<void> {
    const target = this.abs(path);
    const tmpDir = nodePath.join(this.root, TMP_DIR);
    const tmp = nodePath.join(tmpDir, `${randomUUID()}.staged`);
    try {
      // publishStaged syncs, then links.
      await this.ensureTmpDir(tmpDir);
      await fsp.writeFile(tmp, data);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') this.dirs.delete(tmpDir); // removed behind our back
      await fsp.unlink(tmp).catch(() => undefined);
      throw toPondError(err, 'stage', path);
    }
    this.staged.push({ tmp, target });
    this.stagedByTarget.set(target, tmp);
  }

  localStaging(): { root: string; dir: string } {
    return { root: this.root, dir: nodePath.join(this.root, TMP_DIR) };
  }

  adoptStaged(path: string, file: string): void {
    const target = this.abs(path);
    const tmp = nodePath.resolve(file);
    if (nodePath.dirname(tmp) !== nodePath.join(this.root, TMP_DIR)) {
      throw new PondError('EINVAL', `not a staging file of ${this.root}: ${file}`, { op: 'stage', path });
    }
    this.staged.push({ tmp, target });
    this.stagedByTarget.set(target, tmp);
  }

  async publishStaged(): Promise<void> {
    const batch = this.staged;
    this.staged = [];
    if (batch.length === 0) return;
    try {
      // Data first: after this barrier no staged file can be torn, so no name ever
      // points at a partly written chunk, even across a crash.
      await syncfs(this.root);
      await mapBounded(batch, PUBLISH_PARALLELISM, ({ tmp, target }) => linkStaged(tmp, target));
      // Then the names.
      await syncfs(this.root);
    } catch (err) {
      // Not published: keep them staged (and readable) for the next attempt.
      this.staged = [...batch, ...this.staged];
      throw toPondError(err, 'publish', this.root);
    }
    // Only now are the names there: until here, reads went to the staged copies.
    for (const { target } of batch) this.stagedByTarget.delete(target);
    await mapBounded(batch, PUBLISH_PARALLELISM, ({ tmp }) => fsp.unlink(tmp).catch(() => undefined));
  }

  async discardStaged(): Promise<void> {
    this.staged = [];
    this.stagedByTarget.clear();
    const tmpDir = nodePath.join(this.root, TMP_DIR);
    let names: string[];
    try {
      names = await fsp.readdir(tmpDir);
    } catch {
      return;
    }
    await Promise.all(names.map((n) => fsp.unlink(nodePath.join(tmpDir, n)).catch(() => undefined)));
  }

  async writeFresh(path: string, data: Uint8Array): Promise<void> {
    const target = this.abs(path);
    const dir = nodePath.dirname(target);
    try {
      // Synchronous on purpose: these are many small files (an import writes one per
      // directory) going to the page cache, where the thread-pool round trips of mkdir,
      // open, write and close cost several times the syscalls (1,178 files: ~0.35 s of
      // main-thread CPU async). No fsync of the folder here: the next sync() makes its
      // name durable with the file.
      if (!this.dirs.has(dir) && !this.unsyncedDirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.unsyncedDirs.add(dir);
      }
      writeFileSync(target, data, { flag: 'wx' });
    } catch (err) {
      if (errnoCode(err) === 'EEXIST') {
        throw new PondError('EEXIST', `already exists: ${target}`, { op: 'writeFresh', path, cause: err });
      }
      if (errnoCode(err) === 'ENOENT') { // removed behind our back
        this.dirs.delete(dir);
        this.unsyncedDirs.delete(dir);
      }
      throw toPondError(err, 'writeFresh', path);
    }
  }

  async sync(): Promise<void> {
    const made = [...this.unsyncedDirs];
    try {
      await syncfs(this.root);
    } catch (err) {
      throw toPondError(err, 'sync', this.root);
    }
    // syncfs made the names of the folders writeFresh created durable too.
    for (const dir of made) {
      this.unsyncedDirs.delete(dir);
      this.dirs.add(dir);
    }
  }

  async delete(path: string): Promise<void> {
    try {
      await fsp.unlink(this.abs(path));
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw toPondError(err, 'delete', path);
    }
  }

  /**
   * Makes sure `dir` exists and its name is durable: the parent of each directory this
   * creates is fsynced (and, once, the parent of one found already there, which a writer
   * that died may have made without syncing), so a new partition folder cannot vanish in a
   * crash after a commit names a file in it. Remembered: the hot path does no mkdir.
   */
  private async ensureDir(dir: string): Promise<void> {
    if (this.dirs.has(dir)) return;
    // mkdir -p returns the first directory it created: it and everything below it are new.
    const top = (await fsp.mkdir(dir, { recursive: true })) ?? dir;
    for (let d = dir; ; d = nodePath.dirname(d)) {
      await fsyncDir(nodePath.dirname(d));
      if (d === top || d === nodePath.dirname(d)) break;
    }
    this.dirs.add(dir);
  }

  /**
   * Makes sure a folder of temp or staged files exists; its name need not be durable (its
   * files are synced, then linked elsewhere). Remembered: no mkdir per write.
   */
  private async ensureTmpDir(tmpDir: string): Promise<void> {
    if (this.dirs.has(tmpDir)) return;
    await fsp.mkdir(tmpDir, { recursive: true });
    this.dirs.add(tmpDir);
  }

  /** Writes data to a fresh temp file beside `target` and fsyncs it. */
  private async writeTemp(target: string, data: Uint8Array): Promise<string> {
    const dir = nodePath.dirname(target);
    const tmpDir = nodePath.join(dir, TMP_DIR);
    const tmp = nodePath.join(tmpDir, `${randomUUID()}.tmp`);
    try {
      // Temps are synced, then linked under a durable name.
      await this.ensureTmpDir(tmpDir);
      await createSynced(tmp, data);
      return tmp;
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') this.dirs.delete(tmpDir); // removed behind our back
      unlinkQuietly(tmp);
      throw toPondError(err, 'write', target);
    }
  }
}

function readAt(file: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
  return range ? readRange(file, range.offset, range.length) : fsp.readFile(file);
}

/** Filesystem calls a publish keeps in flight: thousands at once (a 1 GiB file spilled
    before its commit) held ~30 MiB of requests and promises at the commit's peak. */
const PUBLISH_PARALLELISM = 32;

/** Names a staged file; its folder is made on first need (one call per chunk, not two). */
async function linkStaged(tmp: string, target: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp.link(tmp, target);
      return;
    } catch (err) {
      // The same bytes are already there under this name (content addressing).
      if (errnoCode(err) === 'EEXIST') return;
      if (errnoCode(err) !== 'ENOENT' || attempt > 0) throw err;
      await fsp.mkdir(nodePath.dirname(target), { recursive: true });
    }
  }
}

function joinRel(dir: string, name: string): string {
  return dir === '' || dir === '.' ? name : `${dir.replace(/\/$/, '')}/${name}`;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Best effort: a leftover temp is never read (and discardStaged clears staged ones).
  }
}

/**
 * Up to `length` bytes from `offset` (fewer at the end of the file): open, read, close on
 * libuv's pool with the callback API. A chunk read is this (ContentStore.get), one per
 * chunk of a file read: fs/promises' FileHandle costs ~40% more CPU per file, and
 * readFile one more round trip (fstat).
 */
function readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    // Allocated here, where a bad length rejects the promise: thrown in open's callback,
    // it would be an uncaught exception.
    const buf = Buffer.allocUnsafe(length);
    open(path, 'r', (err, fd) => {
      if (err) return reject(err);
      const done = (readErr: Error | null, got: number): void => {
        close(fd, (closeErr) => {
          if (readErr ?? closeErr) reject(readErr ?? closeErr);
          else resolve(buf.subarray(0, got));
        });
      };
      const more = (got: number): void => {
        if (got === length) return done(null, got);
        read(fd, buf, got, length - got, offset + got, (readErr, n) => {
          if (readErr) done(readErr, got);
          else if (n === 0) done(null, got);
          else more(got + n);
        });
      };
      more(0);
    });
  });
}
