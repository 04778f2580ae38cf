import type { Command } from 'commander';
import { PondError } from '../../errors.js';
import { contentFromStream, replaceContent } from '../../tinylogfs/index.js';
import { type GlobalOptions, caller, pondPath } from '../context.js';
import { action } from '../run.js';
import { withWriter } from '../session.js';

export function register(program: Command): void {
  program
    .command('write')
    .description('make stdin the content of a file (created if missing; its directory must exist), as one commit')
    .argument('<path>', 'pond path of the file')
    .action(action(async (path: string) => {
      const p = pondPath(path);
      await withWriter(program.opts<GlobalOptions>(), `write ${p}`, async (pond) => {
        const fs = pond.fs;
        let file;
        try {
          file = await fs.create(p, 0o666 & ~process.umask(), caller(), false);
        } catch (err) {
          if (err instanceof PondError && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) {
            throw new PondError(err.code, `cannot write ${p}: ${err.code === 'ENOENT' ? 'its directory does not exist' : 'a component of its path is not a directory'}`, { op: 'write', path: p, cause: err });
          }
          throw err;
        }
        const content = await contentFromStream(pond, process.stdin);
        await replaceContent(fs, file, content);
      });
    }));
}
