import type { Command } from 'commander';
import { normalize } from '../../tinyfs/index.js';
import { restore } from '../../tinylogfs/index.js';
import { type GlobalOptions, pondPath } from '../context.js';
import { out, outJson } from '../output.js';
import { action } from '../run.js';
import { withWriter } from '../session.js';

export function register(program: Command): void {
  program
    .command('restore')
    .description('make the live tree (or PATH) equal to a past version, as one new commit; history is kept')
    .requiredOption('--to <V|TIME>', 'the version number or ISO-8601 time to restore')
    .argument('[path]', 'pond path to restore (default: the whole tree)', '/')
    .option('--json', 'print {to, version, created, updated, removed} as JSON')
    .action(action(async (path: string, o: { to: string; json?: boolean }) => {
      const p = normalize(pondPath(path));
      let to = -1;
      const { result, commit } = await withWriter(program.opts<GlobalOptions>(), `restore --to ${o.to} ${p}`, async (pond) => {
        to = await pond.resolveVersion(o.to);
        return restore(pond, to, p);
      });
      if (o.json) {
        outJson({ to, path: p, version: commit?.version ?? null, ...result });
        return;
      }
      if (!commit) out(`${p} already equals version ${to}: nothing to do`);
      else out(`restored ${p} to version ${to} as version ${commit.version}: ${result.created} created, ${result.updated} updated, ${result.removed} removed`);
    }));
}
