import type { Command } from 'commander';
import { PondError } from '../../errors.js';
import { normalize } from '../../tinyfs/index.js';
import { type GlobalOptions, caller, pondPath } from '../context.js';
import { action } from '../run.js';
import { withWriter } from '../session.js';

export function register(program: Command): void {
  program
    .command('mkdir')
    .description('create a directory, as one commit')
    .argument('<path>', 'pond path of the new directory')
    .option('-p, --parents', 'create missing parents; no error if the directory exists')
    .action(action(async (path: string, o: { parents?: boolean }) => {
      const p = pondPath(path);
      const perm = 0o777 & ~process.umask();
      await withWriter(program.opts<GlobalOptions>(), `mkdir ${p}`, async (pond) => {
        const fs = pond.fs;
        if (!o.parents) {
          await fs.mkdir(p, perm, caller());
          return;
        }
        let cur = '';
        for (const part of normalize(p).split('/').filter(Boolean)) {
          cur = `${cur}/${part}`;
          if (await fs.exists(cur)) {
            const node = await fs.resolve(cur, true);
            if (node.kind !== 'directory') throw new PondError('ENOTDIR', `not a directory: ${cur}`, { op: 'mkdir', path: cur });
            continue;
          }
          await fs.mkdir(cur, perm, caller());
        }
      });
    }));
}
