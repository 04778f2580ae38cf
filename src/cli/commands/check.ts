import type { Command } from 'commander';
import { Oplog } from '../../oplog/index.js';
import { check } from '../../tinylogfs/index.js';
import { type GlobalOptions, pondDir } from '../context.js';
import { out, outJson } from '../output.js';
import { progress } from '../progress.js';
import { action } from '../run.js';

export function register(program: Command): void {
  program
    .command('check')
    .description('verify the whole pond: the log, every data file, every record of every version, every inline content and chunk; exit 1 on damage')
    .option('--json', 'print {version, dataFiles, rows, chunks, live, damage: [{path, version, what}]} as JSON')
    .action(action(async (o: { json?: boolean }) => {
      const oplog = await Oplog.open(pondDir(program.opts<GlobalOptions>()));
      const bar = progress('check');
      let report;
      try {
        report = await check(oplog, bar);
      } finally {
        bar.stop();
      }
      if (o.json) outJson(report);
      else {
        for (const d of report.damage) out(`${d.path} (version ${d.version}): ${d.what}`);
        const { files, directories, symlinks } = report.live;
        out(`checked version ${report.version}: ${report.dataFiles} data files, ${report.rows} records, ${report.chunks} chunks; `
          + `live tree ${files} files, ${directories} directories, ${symlinks} symlinks; `
          + (report.damage.length ? `${report.damage.length} problems found` : 'no problems found'));
      }
      if (report.damage.length > 0) process.exitCode = 1;
    }));
}
