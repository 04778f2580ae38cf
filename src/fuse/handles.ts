import { PondError } from '../errors.js';
import type { FS, Node } from '../tinyfs/index.js';

/** An open file or directory: the node stays reachable after unlink or rename. */
export interface Handle {
  fs: FS;
  node: Node;
  append: boolean;
  writable: boolean;
}

/** Handles are small positive integers (fuse-native drops a handle of 0). */
export class HandleTable {
  private readonly open = new Map<number, Handle>();
  private next = 1;

  add(h: Handle): number {
    while (this.open.has(this.next) || this.next === 0) this.next = (this.next + 1) >>> 0;
    const fd = this.next;
    this.open.set(fd, h);
    this.next = (this.next + 1) >>> 0;
    return fd;
  }

  get(fd: number): Handle {
    const h = this.open.get(fd);
    if (!h) throw new PondError('EBADF', `no open file handle ${fd}`);
    return h;
  }

  remove(fd: number): void {
    this.open.delete(fd);
  }
}
