import type { Command } from 'commander';
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import * as nodePath from 'node:path';
import { errnoCode } from '../../errors.js';
import { visit } from '../../tinyfs/index.js';
import { type GlobalOptions, pondDir, withPond } from '../context.js';
import { isoTime, out, outJson } from '../output.js';
import { action } from '../run.js';

export function register(program: Command): void {
  program
    .command('status')
    .description('show the pond: directory, latest version and time, what the live tree holds, the writer lock')
    .option('--json', 'print the status as JSON')
    .action(action(async (o: { json?: boolean }) => {
      const opts = program.opts<GlobalOptions>();
      const dir = pondDir(opts);
      await withPond(opts, { readOnly: true }, async (pond) => {
        const tree = { files: 0, directories: 0, symlinks: 0, bytes: 0 };
        const seen = new Set<string>();
        await visit(pond.fs, '/', ({ node }) => {
          if (node.kind === 'directory') tree.directories++;
          else if (node.kind === 'symlink') tree.symlinks++;
          else if (!seen.has(node.id)) {
            seen.add(node.id);
            tree.files++;
            tree.bytes += node.size;
          }
        });
        const snap = pond.oplog.snapshot;
        const table = {
          dataFiles: snap.numFiles,
          dataBytes: snap.files.reduce((n, f) => n + f.size, 0),
          partitions: pond.oplog.partitionFiles().size,
        };
        const lock = await readLock(dir);
        const status = { pond: dir, version: pond.version, time: isoTime(pond.oplog.timestamp), tree, table, lock };
        if (o.json) {
          outJson(status);
          return;
        }
        out(`pond     ${dir}`);
        out(`version  ${status.version} (${status.time})`);
        out(`tree     ${tree.files} files, ${tree.directories} directories, ${tree.symlinks} symlinks, ${tree.bytes} bytes`);
        out(`table    ${table.dataFiles} data files in ${table.partitions} partitions, ${table.dataBytes} bytes`);
        out(`lock     ${lock ? `held by ${lock.what ?? 'a writer'} (pid ${lock.pid} on ${lock.host}, since ${lock.since})${lock.stale ? ', stale: its process is gone' : ''}` : 'free'}`);
      });
    }));
}

interface LockInfo { pid?: number; host?: string; since?: string; what?: string; stale?: boolean }

async function readLock(dir: string): Promise<LockInfo | null> {
  let info: LockInfo;
  try {
    info = JSON.parse(await fsp.readFile(nodePath.join(dir, 'lock'), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
  // A lock whose process is gone on this host is stale: the next writer takes it over.
  let stale = false;
  if (info.host === hostname() && typeof info.pid === 'number') {
    try {
      process.kill(info.pid, 0);
    } catch (err) {
      stale = errnoCode(err) === 'ESRCH';
    }
  }
  return { ...info, stale };
}
