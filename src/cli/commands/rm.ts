import type { Command } from 'commander';
import { PondError } from '../../errors.js';
import { removeTree } from '../../tinylogfs/index.js';
import { type GlobalOptions, pondPath } from '../context.js';
import { action } from '../run.js';
import { withWriter } from '../session.js';

export function register(program: Command): void {
  program
    .command('rm')
    .description('remove a file, symlink or empty directory (with -r, a whole tree), as one commit; history keeps it')
    .argument('<path>', 'pond path')
    .option('-r, --recursive', 'remove a directory and everything under it')
    .action(action(async (path: string, o: { recursive?: boolean }) => {
      const p = pondPath(path);
      await withWriter(program.opts<GlobalOptions>(), `rm ${o.recursive ? '-r ' : ''}${p}`, async (pond) => {
        const fs = pond.fs;
        const node = await fs.resolve(p, false);
        if (node === fs.root) throw new PondError('EBUSY', 'cannot remove the root directory', { op: 'rm', path: p });
        if (node.kind !== 'directory') return fs.unlink(p);
        if (!o.recursive) {
          if ((await fs.list(node)).length > 0) {
            throw new PondError('ENOTEMPTY', `directory not empty: ${p} (use rm -r)`, { op: 'rm', path: p });
          }
          return fs.rmdir(p);
        }
        return removeTree(fs, p, node);
      });
    }));
}
