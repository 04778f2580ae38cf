import { PondError } from '../../errors.js';
import type { FileInfo, Storage } from './Storage.js';

/** A Storage held in a Map, for tests and for replay without a disk. */
export class MemoryStorage implements Storage {
  readonly location = 'memory:';
  private readonly files = new Map<string, { data: Uint8Array; mtimeMs: number }>();

  async list(dir: string): Promise<FileInfo[]> {
    const prefix = dir === '' ? '' : `${dir.replace(/\/$/, '')}/`;
    const out: FileInfo[] = [];
    for (const [path, f] of this.files) {
      if (path.startsWith(prefix) && !path.slice(prefix.length).includes('/')) {
        out.push({ path, size: f.data.length, mtimeMs: f.mtimeMs });
      }
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async names(dir: string): Promise<string[]> {
    return (await this.list(dir)).map((f) => f.path.slice(f.path.lastIndexOf('/') + 1));
  }

  async listDirs(dir: string): Promise<string[]> {
    const prefix = dir === '' ? '' : `${dir.replace(/\/$/, '')}/`;
    const dirs = new Set<string>();
    for (const path of this.files.keys()) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash > 0) dirs.add(rest.slice(0, slash));
    }
    return [...dirs].sort();
  }

  async read(path: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
    const f = this.files.get(path);
    if (!f) throw new PondError('ENOENT', `missing file ${path}`, { op: 'read', path });
    return range ? f.data.slice(range.offset, range.offset + range.length) : f.data.slice();
  }

  async stat(path: string): Promise<FileInfo | undefined> {
    const f = this.files.get(path);
    return f ? { path, size: f.data.length, mtimeMs: f.mtimeMs } : undefined;
  }

  async putIfAbsent(path: string, data: Uint8Array, opts: { after?: Promise<unknown> } = {}): Promise<void> {
    if (opts.after) await opts.after;
    if (this.files.has(path)) throw new PondError('EEXIST', `already exists: ${path}`, { op: 'putIfAbsent', path });
    this.files.set(path, { data: data.slice(), mtimeMs: Date.now() });
  }

  async putNew(path: string, data: Uint8Array): Promise<void> {
    return this.putIfAbsent(path, data);
  }

  async put(path: string, data: Uint8Array): Promise<void> {
    this.files.set(path, { data: data.slice(), mtimeMs: Date.now() });
  }

  private staged: Array<[string, Uint8Array]> = [];

  async stage(path: string, data: Uint8Array): Promise<void> {
    this.staged.push([path, data.slice()]);
  }

  async publishStaged(): Promise<void> {
    for (const [path, data] of this.staged.splice(0)) {
      if (!this.files.has(path)) this.files.set(path, { data, mtimeMs: Date.now() });
    }
  }

  async discardStaged(): Promise<void> {
    this.staged = [];
  }

  async writeFresh(path: string, data: Uint8Array): Promise<void> {
    return this.putIfAbsent(path, data);
  }

  async sync(): Promise<void> {}

  async delete(path: string): Promise<void> {
    this.files.delete(path);
  }

  /** Test hook: set a file's mtime (golden tables need commit mtimes). */
  setMtime(path: string, mtimeMs: number): void {
    const f = this.files.get(path);
    if (f) f.mtimeMs = mtimeMs;
  }
}
