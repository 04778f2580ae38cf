import type { Command } from 'commander';
import { joinPath, normalize } from '../../tinyfs/index.js';
import { type GlobalOptions, pondPath } from '../context.js';
import { action } from '../run.js';
import { isDir, withWriter } from '../session.js';

export function register(program: Command): void {
  program
    .command('mv')
    .description('rename or move SRC to DST (into DST when it is a directory), as one commit')
    .argument('<src>', 'pond path to move')
    .argument('<dst>', 'new pond path, or an existing directory to move into')
    .action(action(async (src: string, dst: string) => {
      const s = pondPath(src);
      const d = pondPath(dst);
      await withWriter(program.opts<GlobalOptions>(), `mv ${s} ${d}`, async (pond) => {
        const fs = pond.fs;
        await fs.resolve(s, false); // ENOENT names SRC first
        let target = d;
        if (await isDir(fs, d)) target = joinPath(normalize(d), basename(s));
        await fs.rename(s, target);
      });
    }));
}

function basename(p: string): string {
  const parts = normalize(p).split('/').filter(Boolean);
  return parts[parts.length - 1] ?? '';
}
