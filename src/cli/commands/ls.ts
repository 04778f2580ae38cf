import type { Command } from 'commander';
import { type FS, type Node, joinPath } from '../../tinyfs/index.js';
import { type GlobalOptions, pondPath } from '../context.js';
import { isoTime, out, outJson, table } from '../output.js';
import { action } from '../run.js';
import { AT_HELP, withView } from '../session.js';

interface LsOptions {
  long?: boolean;
  recursive?: boolean;
  at?: string;
  json?: boolean;
}

interface Entry {
  path: string;
  name: string;
  node: Node;
}

export function register(program: Command): void {
  program
    .command('ls')
    .description('list a directory of the pond (or show one file), now or as of a past version')
    .argument('[path]', 'pond path', '/')
    .option('-l, --long', 'long format: mode, links, owner, size, mtime')
    .option('-R, --recursive', 'list subdirectories recursively')
    .option('--at <V|TIME>', AT_HELP)
    .option('--json', 'print a JSON array of entries (with -R: every entry below PATH)')
    .action(action(async (path: string, o: LsOptions) => {
      await withView(program.opts<GlobalOptions>(), o.at, async (fs) => {
        const p = pondPath(path);
        const node = await fs.resolve(p, true);
        if (node.kind !== 'directory') {
          const self = await fs.resolve(p, false);
          const e = { path: p, name: p, node: self };
          if (o.json) outJson([toJson(e)]);
          else print([e], o.long ?? false);
          return;
        }
        if (o.json) {
          const all: Entry[] = [];
          await collect(fs, p, node, o.recursive ?? false, all);
          outJson(all.map(toJson));
          return;
        }
        await listDir(fs, p, node, o, true);
      });
    }));
}

async function children(fs: FS, path: string, dir: Node): Promise<Entry[]> {
  if (dir.kind !== 'directory') return [];
  const out: Entry[] = [];
  for (const name of await fs.list(dir)) {
    const node = await fs.lookup(dir, name);
    if (node) out.push({ path: joinPath(path, name), name, node });
  }
  return out;
}

async function collect(fs: FS, path: string, dir: Node, recursive: boolean, all: Entry[]): Promise<void> {
  for (const e of await children(fs, path, dir)) {
    all.push(e);
    if (recursive && e.node.kind === 'directory') await collect(fs, e.path, e.node, true, all);
  }
}

async function listDir(fs: FS, path: string, dir: Node, o: LsOptions, first: boolean): Promise<void> {
  const entries = await children(fs, path, dir);
  if (o.recursive) out(`${first ? '' : '\n'}${path}:`);
  print(entries, o.long ?? false);
  if (o.recursive) {
    for (const e of entries) if (e.node.kind === 'directory') await listDir(fs, e.path, e.node, o, false);
  }
}

function print(entries: Entry[], long: boolean): void {
  if (!long) {
    for (const e of entries) out(e.name);
    return;
  }
  const rows = entries.map(({ name, node }) => {
    const s = node.stat();
    return [modeString(s.mode), String(s.nlink), String(s.uid), String(s.gid), String(s.size), isoTime(s.mtime),
      node.kind === 'symlink' ? `${name} -> ${node.target}` : name];
  });
  for (const line of table(rows, new Set([1, 2, 3, 4]))) out(line);
}

function toJson({ path, name, node }: Entry): Record<string, unknown> {
  const s = node.stat();
  return {
    path, name, kind: s.kind, mode: s.mode, perm: (s.mode & 0o7777).toString(8).padStart(4, '0'),
    nlink: s.nlink, uid: s.uid, gid: s.gid, size: s.size,
    mtime: isoTime(s.mtime), atime: isoTime(s.atime), ctime: isoTime(s.ctime), id: s.id,
    ...(node.kind === 'symlink' ? { target: node.target } : {}),
  };
}

export function modeString(mode: number): string {
  const type = (mode & 0o170000) === 0o040000 ? 'd' : (mode & 0o170000) === 0o120000 ? 'l' : '-';
  const rwx = (bits: number, special: boolean, ch: string): string =>
    `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${special ? (bits & 1 ? ch : ch.toUpperCase()) : bits & 1 ? 'x' : '-'}`;
  return type + rwx((mode >> 6) & 7, (mode & 0o4000) !== 0, 's') + rwx((mode >> 3) & 7, (mode & 0o2000) !== 0, 's')
    + rwx(mode & 7, (mode & 0o1000) !== 0, 't');
}
