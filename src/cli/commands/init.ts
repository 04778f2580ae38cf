import type { Command } from 'commander';
import { Pond } from '../../tinylogfs/index.js';
import { type GlobalOptions, pondDir } from '../context.js';
import { out } from '../output.js';
import { action } from '../run.js';

export function register(program: Command): void {
  program
    .command('init')
    .description('create an empty pond (version 0: the root directory)')
    .action(action(async () => {
      const dir = pondDir(program.opts<GlobalOptions>());
      const pond = await Pond.create(dir, { owner: 'pond init' });
      await pond.close();
      out(`created pond at ${dir}`);
    }));
}
