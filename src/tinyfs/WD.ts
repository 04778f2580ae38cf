import { PondError } from '../errors.js';
import type { FS } from './FS.js';
import { normalize } from './names.js';
import type { Node } from './nodes.js';

/** A working directory: relative paths resolve against it, as a shell's cwd does. */
export class WD {
  constructor(readonly fs: FS, readonly path: string = '/') {}

  /** The absolute path for `p`; '..' is kept for the resolver, which follows real links. */
  abs(p: string): string {
    return p.startsWith('/') ? p : `${this.path === '/' ? '' : this.path}/${p}`;
  }

  async cd(p: string): Promise<WD> {
    const node = await this.fs.resolve(this.abs(p), true);
    if (node.kind !== 'directory') throw new PondError('ENOTDIR', `not a directory: ${p}`, { path: p });
    return new WD(this.fs, normalize(p, this.path));
  }

  resolve(p: string, follow = true): Promise<Node> {
    return this.fs.resolve(this.abs(p), follow);
  }
}
