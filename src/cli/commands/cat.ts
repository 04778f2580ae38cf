import type { Command } from 'commander';
import { PondError } from '../../errors.js';
import { type GlobalOptions, pondPath } from '../context.js';
import { outBytes } from '../output.js';
import { action } from '../run.js';
import { AT_HELP, withView } from '../session.js';

/** Bytes read and written at a time: a large file streams through, never whole in memory. */
const PIECE = 1024 * 1024;

export function register(program: Command): void {
  program
    .command('cat')
    .description('write a file\'s content to stdout, now or as of a past version')
    .argument('<path>', 'pond path of a file')
    .option('--at <V|TIME>', AT_HELP)
    .action(action(async (path: string, o: { at?: string }) => {
      await withView(program.opts<GlobalOptions>(), o.at, async (fs) => {
        const p = pondPath(path);
        const node = await fs.resolve(p, true);
        if (node.kind === 'directory') throw new PondError('EISDIR', `is a directory: ${p}`, { op: 'cat', path: p });
        if (node.kind !== 'file') throw new PondError('EINVAL', `not a file: ${p}`, { op: 'cat', path: p });
        const size = node.size;
        for (let off = 0; off < size; off += PIECE) {
          await outBytes(await fs.read(node, off, Math.min(PIECE, size - off)));
        }
      });
    }));
}
