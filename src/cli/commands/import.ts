import type { Command } from 'commander';
import { type BigIntStats, createReadStream, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import * as nodePath from 'node:path';
import { PondError, toPondError } from '../../errors.js';
import { BytesContent, type Caller, type FS, type Node, joinPath, normalize } from '../../tinyfs/index.js';
import { INLINE_MAX, type Pond, contentFromStream, removeTree, replaceContent } from '../../tinylogfs/index.js';
import { type GlobalOptions, pondPath } from '../context.js';
import { out } from '../output.js';
import { progress } from '../progress.js';
import { action } from '../run.js';
import { isDir, withWriter } from '../session.js';

// `pond import` copies host files and trees in, as `cp -a` would: modes, owners, access
// and modification times, symlinks as symlinks, hard links within the import as hard
// links. Everything is planned (and every conflict found) before the first change, so a
// refused import changes nothing. Large files stream into the chunk store as they are read.
//
// The host side (lstat, readdir, reading small files) uses synchronous calls: the CLI has
// nothing else to serve meanwhile, and for a tree in the page cache a promise round trip
// through libuv's thread pool costs ~10x the syscall (10,000 small files: 0.24 s read
// synchronously, 1.2-2 s of CPU as 64 concurrent fs.promises.readFile).
/**
 * Small-file bytes held in memory before an intermediate flush. Each flush is a commit
 * with its own barriers and one data file per directory it touches, so a source tree of
 * ~100 MiB of small files should fit in one (the 10,000-file benchmark tree, 76 MiB of
 * small files, imports in one commit at ~350 MB peak RSS, as it did in two at 64 MiB).
 */
const PENDING_MAX = 128 * 1024 * 1024;

type Kind = 'directory' | 'file' | 'symlink' | 'other';

interface Item {
  host: string;
  pond: string;
  st: BigIntStats;
  kind: Kind;
  /** What the pond has at `pond` now (undefined: nothing). */
  existing: Node | undefined;
}

export function register(program: Command): void {
  program
    .command('import')
    .usage('HOSTPATH... PONDDIR')
    .description('copy host files and directory trees into the pond (keeping modes, owners, times, symlinks and hard links), as one commit')
    .argument('<hostpath...>', 'host files or directories, then the pond directory to put them in')
    .action(action(async (args: string[]) => {
      if (args.length < 2) throw new PondError('EUSAGE', 'usage: pond import HOSTPATH... PONDDIR');
      const dst = normalize(pondPath(args[args.length - 1]!));
      const sources = args.slice(0, -1).map((s) => nodePath.resolve(s));
      const { result, commit } = await withWriter(program.opts<GlobalOptions>(), `import ${dst}`, async (pond) => {
        const items = await plan(pond.fs, sources, dst);
        return apply(pond, items);
      });
      out(`imported ${result.files} files, ${result.dirs} directories, ${result.symlinks} symlinks (${result.bytes} bytes)`
        + (commit ? ` as version ${commit.version}` : ''));
    }));
}

/** `read` of host path `path`, its failure reported as the import's, naming the path. */
function onHost<T>(path: string, read: (path: string) => T): T {
  try {
    return read(path);
  } catch (err) {
    throw toPondError(err, 'import', path);
  }
}

function lstat(path: string): BigIntStats {
  return onHost(path, (p) => lstatSync(p, { bigint: true }));
}

function kindOf(st: BigIntStats): Kind {
  return st.isDirectory() ? 'directory' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
}


/** Every host entry to import, parents first, with the conflicts checked. */
async function plan(fs: FS, sources: string[], dst: string): Promise<Item[]> {
  const into = await isDir(fs, dst);
  if (!into && sources.length > 1) {
    throw new PondError(await fs.exists(dst) ? 'ENOTDIR' : 'ENOENT', `import of several paths needs an existing directory: ${dst}`, { op: 'import', path: dst });
  }
  const items: Item[] = [];
  for (const src of sources) {
    const st = lstat(src);
    const target = into ? joinPath(dst, nodePath.basename(src)) : dst;
    if (!into && !(await isDir(fs, nodePath.posix.dirname(dst)))) {
      throw new PondError('ENOENT', `cannot import into ${dst}: its directory does not exist`, { op: 'import', path: dst });
    }
    await walkHost(fs, src, target, st, true, items);
  }
  return items;
}

async function walkHost(fs: FS, host: string, pond: string, st: BigIntStats, parentExists: boolean, items: Item[]): Promise<void> {
  const kind = kindOf(st);
  const existing = parentExists ? await fs.find(pond) : undefined;
  if (existing) {
    if (kind === 'directory' && existing.kind !== 'directory') {
      throw new PondError('ENOTDIR', `cannot import directory ${host} onto ${existing.kind} ${pond}`, { op: 'import', path: pond });
    }
    if (kind !== 'directory' && existing.kind === 'directory') {
      throw new PondError('EISDIR', `cannot import ${host} onto directory ${pond}`, { op: 'import', path: pond });
    }
  }
  items.push({ host, pond, st, kind, existing });
  if (kind !== 'directory') return;
  const names = onHost(host, (h) => readdirSync(h)).sort();
  for (const name of names) {
    const path = nodePath.join(host, name);
    await walkHost(fs, path, joinPath(pond, name), lstat(path), existing !== undefined, items);
  }
}

interface Counts { files: number; dirs: number; symlinks: number; bytes: number }

async function apply(pond: Pond, items: Item[]): Promise<Counts> {
  const fs = pond.fs;
  const counts: Counts = { files: 0, dirs: 0, symlinks: 0, bytes: 0 };
  const total = items.reduce((n, i) => n + (i.kind === 'file' ? Number(i.st.size) : 0), 0);
  const bar = progress('import', total);
  const linked = new Map<string, string>();
  // Directories whose subtree is still being imported, outermost first. Items come parents
  // first, depth first, so a directory is complete once an item outside it comes; its
  // times are set then (adding entries changed them), and an intermediate flush does not
  // leave every directory to be written again by the last one.
  const open: Array<{ path: string; node: Node; st: BigIntStats }> = [];
  const closeDirs = (next: string | undefined): void => {
    for (let top = open.at(-1); top && !(next !== undefined && isUnder(next, top.path)); top = open.at(-1)) {
      setMeta(fs, top.node, top.st);
      open.pop();
    }
  };
  let pending = 0;
  try {
    for (const item of items) {
      const { host, pond: p, st } = item;
      closeDirs(p);
      const owner: Caller = { uid: Number(st.uid), gid: Number(st.gid) };
      if (item.kind === 'directory') {
        const node = item.existing ?? (await fs.mkdir(p, Number(st.mode) & 0o7777, owner));
        open.push({ path: p, node, st });
        counts.dirs++;
        continue;
      }
      if (item.kind === 'other') {
        process.stderr.write(`pond: skipping ${host}: not a file, directory or symlink\n`);
        continue;
      }
      if (item.existing) await removeTree(fs, p, item.existing);
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1n ? linked.get(key) : undefined;
      if (first !== undefined) {
        await fs.link(first, p);
        continue;
      }
      if (st.nlink > 1n) linked.set(key, p);
      let node: Node;
      if (item.kind === 'symlink') {
        node = await fs.symlink(onHost(host, (h) => readlinkSync(h)), p, owner);
        counts.symlinks++;
      } else {
        const file = await fs.create(p, Number(st.mode) & 0o7777, owner);
        const size = Number(st.size);
        const content = size <= INLINE_MAX
          ? new BytesContent(onHost(host, (h) => readFileSync(h)))
          : await contentFromStream(pond, createReadStream(host, { highWaterMark: 1024 * 1024 }));
        await replaceContent(fs, file, content);
        if (content instanceof BytesContent) pending += content.size;
        counts.files++;
        counts.bytes += content.size;
        bar.tick(size);
        node = file;
      }
      setMeta(fs, node, st);
      const press = pond.pressure();
      if (press || pending > PENDING_MAX) {
        await (press ?? pond.flush(`import (part)`));
        pending = 0;
      }
    }
    closeDirs(undefined);
  } finally {
    bar.stop();
  }
  return counts;
}

/** Whether pond path `path` lies strictly inside directory `dir` (both normalized). */
function isUnder(path: string, dir: string): boolean {
  return path.startsWith(dir === '/' ? '/' : `${dir}/`) && path !== dir;
}

function ms(ns: bigint): number {
  return Number(ns / 1000n) / 1000;
}

function setMeta(fs: FS, node: Node, st: BigIntStats): void {
  if (node.kind !== 'symlink') fs.chmod(node, Number(st.mode) & 0o7777);
  fs.chown(node, Number(st.uid), Number(st.gid));
  fs.utimens(node, ms(st.atimeNs), ms(st.mtimeNs));
}
