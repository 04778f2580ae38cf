import type { Command } from 'commander';
import { PondError } from '../../errors.js';
import { maintain } from '../../tinylogfs/index.js';
import { type GlobalOptions, withPond } from '../context.js';
import { out, outJson } from '../output.js';
import { action } from '../run.js';

export function register(program: Command): void {
  program
    .command('maintain')
    .description('compact small data files and write a checkpoint now (history is kept; --retain is not implemented)')
    .option('--json', 'print what was done as JSON')
    .option('--retain <V|TIME>', 'drop versions older than this (NOT IMPLEMENTED: refused)')
    .action(action(async (o: { json?: boolean; retain?: string }) => {
      if (o.retain !== undefined) throw new PondError('ENOTSUP', '--retain is not implemented: pond keeps its whole history');
      await withPond(program.opts<GlobalOptions>(), {}, async (pond) => {
        const r = await maintain(pond.oplog);
        if (o.json) {
          outJson(r);
          return;
        }
        const c = r.compaction;
        out(c.version === null
          ? 'compaction: nothing to do'
          : `compaction: ${c.partitions} partitions, ${c.filesRemoved} data files rewritten as ${c.filesAdded} (version ${c.version})`);
        out(`checkpoint: written at version ${r.checkpoint.version}`);
        out(`data files: ${r.dataFiles.before} -> ${r.dataFiles.after}`);
      });
    }));
}
