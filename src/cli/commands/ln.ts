import type { Command } from 'commander';
import { joinPath, normalize } from '../../tinyfs/index.js';
import { type GlobalOptions, caller, pondPath } from '../context.js';
import { action } from '../run.js';
import { isDir, withWriter } from '../session.js';

export function register(program: Command): void {
  program
    .command('ln')
    .description('make a hard link PATH to the file TARGET (with -s, a symbolic link holding TARGET), as one commit')
    .argument('<target>', 'existing pond path (with -s: any text, stored as the link target)')
    .argument('<path>', 'pond path of the new link, or an existing directory to put it in')
    .option('-s, --symbolic', 'make a symbolic link')
    .action(action(async (target: string, path: string, o: { symbolic?: boolean }) => {
      let p = pondPath(path);
      await withWriter(program.opts<GlobalOptions>(), `ln ${o.symbolic ? '-s ' : ''}${target} ${p}`, async (pond) => {
        const fs = pond.fs;
        const name = target.split('/').filter(Boolean).pop();
        if (name && name !== '..' && name !== '.' && (await isDir(fs, p))) p = joinPath(normalize(p), name);
        if (o.symbolic) await fs.symlink(target, p, caller());
        else await fs.link(pondPath(target), p);
      });
    }));
}
