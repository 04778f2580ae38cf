import type { Command } from 'commander';
import { execFile } from 'node:child_process';
import * as nodePath from 'node:path';
import { promisify } from 'node:util';
import { PondError } from '../../errors.js';
import { forget, isMounted, lookup as lookupMount } from '../../fuse/registry.js';
import { processAlive } from '../../tinylogfs/index.js';
import { out } from '../output.js';
import { action } from '../run.js';

const run = promisify(execFile);

export function register(program: Command): void {
  program
    .command('umount')
    .alias('unmount')
    .description('flush and unmount a mounted pond')
    .argument('<dir>', 'the mount point')
    .option('--timeout <seconds>', 'how long to wait for the server to flush', '120')
    .action(action(async (dir: string, opts: { timeout: string }) => {
      const mountpoint = nodePath.resolve(dir);
      const rec = await lookupMount(mountpoint);
      if (rec && processAlive(rec.pid)) {
        // The server flushes, unmounts and exits on SIGTERM.
        process.kill(rec.pid, 'SIGTERM');
        const deadline = Date.now() + Number(opts.timeout) * 1000;
        while (processAlive(rec.pid)) {
          if (Date.now() > deadline) throw new PondError('EBUSY', `the server (pid ${rec.pid}) did not finish within ${opts.timeout} s`);
          await new Promise((r) => setTimeout(r, 50));
        }
        const after = await lookupMount(mountpoint);
        if (after?.pid === rec.pid && after.error) {
          await forget(mountpoint);
          throw new PondError('EIO', `unmounted ${mountpoint}, but its last changes could not be committed: ${after.error} (see ${rec.pond}/mount.log)`);
        }
        out(`unmounted ${mountpoint}`);
        return;
      }
      if (!isMounted(mountpoint)) throw new PondError('EINVAL', `not mounted: ${mountpoint}`);
      // No live server: a stale mount left by a killed one.
      await run('fusermount', ['-uz', mountpoint]);
      out(`cleared stale mount ${mountpoint}`);
    }));
}
