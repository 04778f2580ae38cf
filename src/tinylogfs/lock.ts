import { promises as fsp, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as nodePath from 'node:path';
import { PondError, errnoCode } from '../errors.js';

// One writer per pond. The lock file names its owner (pid, host); a lock whose owner is
// gone (a killed writer) is taken over. Creation is O_EXCL, so two writers racing for a
// stale lock cannot both win: the loser sees EEXIST and checks again.

interface Owner {
  pid: number;
  host: string;
  since: string;
  what: string;
}

export class WriterLock {
  private constructor(readonly path: string) {}

  static async acquire(pondDir: string, what: string): Promise<WriterLock> {
    const path = nodePath.join(pondDir, 'lock');
    const me: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), what };
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const fh = await fsp.open(path, 'wx');
        try {
          await fh.writeFile(JSON.stringify(me));
          await fh.sync();
        } finally {
          await fh.close();
        }
        return new WriterLock(path);
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'ENOENT') throw new PondError('ENOENT', `no pond at ${pondDir}`, { op: 'open', path: pondDir, cause: err });
        if (code !== 'EEXIST') throw new PondError('EIO', `cannot create lock ${path}: ${String(err)}`, { cause: err });
      }
      const owner = await readOwner(path);
      if (owner && owner.pid !== process.pid && alive(owner)) {
        throw new PondError('ELOCKED', `pond is in use by ${owner.what} (pid ${owner.pid} on ${owner.host} since ${owner.since})`, { path: pondDir });
      }
      if (owner?.pid === process.pid) {
        throw new PondError('ELOCKED', `pond is already open for writing in this process (${owner.what})`, { path: pondDir });
      }
      // Stale: its writer is gone. Remove and try again.
      await fsp.unlink(path).catch(() => undefined);
    }
    throw new PondError('ELOCKED', `could not take the writer lock ${path}`, { path: pondDir });
  }

  async release(): Promise<void> {
    await fsp.unlink(this.path).catch(() => undefined);
  }
}

async function readOwner(path: string): Promise<Owner | undefined> {
  try {
    const o = JSON.parse(await fsp.readFile(path, 'utf8')) as Partial<Owner>;
    if (typeof o.pid === 'number') return { pid: o.pid, host: o.host ?? '', since: o.since ?? '?', what: o.what ?? 'a writer' };
  } catch {
    // Unreadable or half-written by a writer killed mid-write: treat as stale.
  }
  return undefined;
}

function alive(owner: Owner): boolean {
  // On another host we cannot tell: assume it is alive rather than risk two writers.
  if (owner.host !== hostname()) return true;
  return processAlive(owner.pid);
}

/**
 * Whether a process of this host still runs. A killed process whose parent has not
 * reaped it yet answers kill(pid, 0) but will never write again: /proc/<pid>/stat says
 * Z (zombie) or X (dead).
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (not Linux): trust kill(pid, 0)
  }
}
