import type { Command } from 'commander';
import { constants, promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import { PondError, errnoCode, toPondError } from '../../errors.js';
import { type DirNode, type FS, type FileNode, type Node, normalize, visit } from '../../tinyfs/index.js';
import { type GlobalOptions, pondPath } from '../context.js';
import { out } from '../output.js';
import { type Progress, progress } from '../progress.js';
import { action } from '../run.js';
import { AT_HELP, withView } from '../session.js';

// `pond export` writes a physical copy of a pond tree (any version) into a host
// directory: content, modes, times, symlinks as symlinks, hard links as hard links.
// It never writes outside HOSTDIR: a symlink already in HOSTDIR, or one the export itself
// created, is replaced, never followed (every directory on the way is checked with lstat,
// and files are created with O_EXCL|O_NOFOLLOW).

const PIECE = 1024 * 1024;
const isRoot = process.getuid?.() === 0;

export function register(program: Command): void {
  program
    .command('export')
    .usage('[--at V|TIME] [PONDPATH] HOSTDIR')
    .description('copy a pond tree (PONDPATH, default /; now or --at a past version) into the host directory HOSTDIR, keeping modes, times, symlinks and hard links')
    .argument('<paths...>', '[PONDPATH] HOSTDIR')
    .option('--at <V|TIME>', AT_HELP)
    .action(action(async (args: string[], o: { at?: string }) => {
      if (args.length < 1 || args.length > 2) throw new PondError('EUSAGE', 'usage: pond export [--at V|TIME] [PONDPATH] HOSTDIR');
      const src = normalize(pondPath(args.length === 2 ? args[0]! : '/'));
      const hostArg = args[args.length - 1]!;
      await withView(program.opts<GlobalOptions>(), o.at, async (fs, version) => {
        const node = await fs.resolve(src, true);
        const hostDir = nodePath.resolve(hostArg);
        let created = false;
        try {
          await fsp.mkdir(hostDir);
          created = true;
        } catch (err) {
          if (errnoCode(err) !== 'EEXIST') throw toPondError(err, 'export', hostDir);
        }
        const real = await fsp.realpath(hostDir);
        if (!(await fsp.stat(real)).isDirectory()) throw new PondError('ENOTDIR', `not a directory: ${hostDir}`, { op: 'export', path: hostDir });
        let total = 0;
        await visit(fs, src, () => void total++);
        const bar = progress('export', total);
        const ex = new Exporter(fs, bar);
        try {
          if (node.kind === 'directory') {
            await ex.children(node, src, real);
            if (created) await ex.dirMeta(node, real);
          } else {
            await ex.node(node, src, nodePath.join(real, safeName(src.split('/').pop() ?? '', src)));
          }
        } finally {
          bar.stop();
        }
        out(`exported ${ex.counts.files} files, ${ex.counts.dirs} directories, ${ex.counts.symlinks} symlinks (${ex.counts.bytes} bytes) of version ${version} to ${hostDir}`);
      });
    }));
}

/** A name from the pond, safe to join to a host path: no separators, no '.' or '..'. */
function safeName(name: string, where: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new PondError('ECORRUPT', `refusing to export the entry name ${JSON.stringify(name)} in ${where}`, { op: 'export', path: where });
  }
  return name;
}

class Exporter {
  readonly counts = { files: 0, dirs: 0, symlinks: 0, bytes: 0 };
  /** Node id -> host path written for it: further names of it become hard links. */
  private readonly linked = new Map<string, string>();

  constructor(private readonly fs: FS, private readonly bar: Progress) {}

  async children(dir: DirNode, pondDir: string, hostDir: string): Promise<void> {
    for (const name of await this.fs.list(dir)) {
      const child = await this.fs.lookup(dir, name);
      const pondChild = pondDir === '/' ? `/${name}` : `${pondDir}/${name}`;
      if (child) await this.node(child, pondChild, nodePath.join(hostDir, safeName(name, pondDir)));
    }
  }

  async node(node: Node, pondP: string, host: string): Promise<void> {
    this.bar.tick();
    try {
      if (node.kind === 'directory') {
        await this.realDir(host);
        this.counts.dirs++;
        await this.children(node, pondP, host);
        await this.dirMeta(node, host);
        return;
      }
      const first = node.meta.nlink > 1 ? this.linked.get(node.id) : undefined;
      if (first !== undefined) {
        await clear(host);
        await fsp.link(first, host);
        return;
      }
      if (node.meta.nlink > 1) this.linked.set(node.id, host);
      if (node.kind === 'symlink') {
        await clear(host);
        await fsp.symlink(node.target, host);
        if (isRoot) await fsp.lchown(host, node.meta.uid, node.meta.gid);
        await fsp.lutimes(host, node.meta.atime / 1000, node.meta.mtime / 1000);
        this.counts.symlinks++;
        return;
      }
      await this.file(node, host);
    } catch (err) {
      if (err instanceof PondError) throw err;
      throw toPondError(err, 'export', host);
    }
  }

  /** Makes `host` a real directory (not a symlink to one), replacing whatever is there. */
  private async realDir(host: string): Promise<void> {
    const st = await fsp.lstat(host).catch(() => undefined);
    if (st?.isDirectory()) return;
    if (st) await fsp.unlink(host);
    await fsp.mkdir(host, 0o700);
  }

  async dirMeta(node: Node, host: string): Promise<void> {
    const fh = await fsp.open(host, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    try {
      await this.meta(fh, node);
    } finally {
      await fh.close();
    }
  }

  private async file(node: FileNode, host: string): Promise<void> {
    const size = node.size;
    const st = await fsp.lstat(host).catch(() => undefined);
    // Already there, same size and time (a repeated export): only the metadata is checked.
    const same = st?.isFile() && st.nlink === 1 && node.meta.nlink === 1 && st.size === size
      && Math.abs(st.mtimeMs - node.meta.mtime) < 0.001;
    if (!same) await clear(host);
    const flags = same ? constants.O_RDONLY | constants.O_NOFOLLOW
      : constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const fh = await fsp.open(host, flags, 0o600);
    try {
      if (!same) {
        for (let off = 0; off < size; off += PIECE) {
          const bytes = await this.fs.read(node, off, Math.min(PIECE, size - off));
          await fh.write(bytes, 0, bytes.length, off);
        }
        this.counts.bytes += size;
      }
      await this.meta(fh, node);
    } finally {
      await fh.close();
    }
    this.counts.files++;
  }

  private async meta(fh: fsp.FileHandle, node: Node): Promise<void> {
    if (isRoot) await fh.chown(node.meta.uid, node.meta.gid);
    await fh.chmod(node.meta.perm);
    await fh.utimes(node.meta.atime / 1000, node.meta.mtime / 1000);
  }
}

/** Removes whatever is at `host` (a symlink is removed, never followed). */
async function clear(host: string): Promise<void> {
  const st = await fsp.lstat(host).catch(() => undefined);
  if (!st) return;
  if (st.isDirectory()) await fsp.rm(host, { recursive: true, force: true });
  else await fsp.unlink(host);
}
