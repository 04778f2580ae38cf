import { type Command, Option } from 'commander';
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import * as nodePath from 'node:path';
import { PondError } from '../../errors.js';
import { type GlobalOptions, pondDir } from '../context.js';
import { out } from '../output.js';
import { action } from '../run.js';

interface MountOpts {
  foreground?: boolean;
  cacheSize?: string;
  commitInterval?: string;
  history: 'hidden' | 'visible' | 'off';
  readOnly?: boolean;
  at?: string;
  attrTimeout?: string;
}

/** Message the foreground server sends its launching parent over IPC. */
type Ready = { mounted: true; version: number } | { error: string; code: string };

export function register(program: Command): void {
  program
    .command('mount')
    .description('serve the pond as a directory; returns once DIR is mounted (--foreground stays attached)')
    .argument('<dir>', 'mount point (an existing directory)')
    .option('--foreground', 'stay attached and log to stderr; Ctrl-C flushes and unmounts')
    .option('--cache-size <bytes>', 'memory for file content, e.g. 256M (default 128M)')
    .option('--commit-interval <seconds>', 'commit this long after the first change (default 5)')
    .addOption(new Option('--history <mode>', '.history/ at the root: hidden (reachable by name), visible, or off').choices(['hidden', 'visible', 'off']).default('hidden'))
    .option('--read-only', 'refuse every change (EROFS)')
    .option('--attr-timeout <seconds>', 'let the kernel cache attributes of directories and single-link files this long (default 1; 0: never). Hard-linked files are never cached, so every name stays exact')
    .option('--at <V|TIME>', 'serve a past version, read-only')
    .action(action(async (dir: string, opts: MountOpts) => {
      const pond = pondDir(program.opts<GlobalOptions>());
      const mountpoint = nodePath.resolve(dir);
      const cacheSize = opts.cacheSize === undefined ? undefined : parseSize(opts.cacheSize);
      const commitInterval = opts.commitInterval === undefined ? undefined : parseSeconds(opts.commitInterval);
      const attrTimeout = opts.attrTimeout === undefined ? undefined : parseSeconds(opts.attrTimeout);
      if (opts.foreground) {
        await serve(pond, mountpoint, { ...opts, cacheSize, commitInterval, attrTimeout });
      } else {
        await launch(pond, mountpoint);
      }
    }));
}

async function serve(
  pond: string, mountpoint: string,
  opts: Omit<MountOpts, 'cacheSize' | 'commitInterval' | 'attrTimeout'> & { cacheSize?: number; commitInterval?: number; attrTimeout?: number },
): Promise<void> {
  const { FuseServer } = await import('../../fuse/index.js');
  const log = (line: string): void => void process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  let server;
  try {
    server = await FuseServer.start({
      pondDir: pond, mountpoint, history: opts.history, readOnly: opts.readOnly, at: opts.at,
      cacheSize: opts.cacheSize, commitInterval: opts.commitInterval, attrTimeout: opts.attrTimeout, log,
    });
  } catch (err) {
    const e = err instanceof PondError ? err : new PondError('EIO', String(err));
    process.send?.({ error: e.message, code: e.code } satisfies Ready);
    throw e;
  }
  const version = server.version ?? server.pond.version;
  log(`mounted ${pond} at ${mountpoint} (version ${version}${server.version !== undefined ? ', read-only' : ''})`);
  process.send?.({ mounted: true, version } satisfies Ready);
  // The launching parent goes away; nothing must write to its closed pipes.
  process.disconnect?.();
  await new Promise<void>((resolve) => {
    const stop = (sig: string): void => {
      log(`${sig}: flushing and unmounting`);
      server.stop().then(resolve, (err: unknown) => {
        log(`unmount: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
        resolve();
      });
    };
    // `umount DIR` or `fusermount -u DIR` instead of `pond umount`: commit what is pending
    // and release the pond, rather than live on holding its lock.
    void server.lost.then(() => stop('unmounted from outside'));
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGHUP', () => stop('SIGHUP'));
  });
  log('unmounted');
  // fuse-native's native thread can keep the process alive for seconds after unmount;
  // `pond umount` waits for this process to end.
  process.exit();
}

/** Starts a detached `pond mount --foreground` and waits until it has mounted. */
async function launch(pond: string, mountpoint: string): Promise<void> {
  const logPath = nodePath.join(pond, 'mount.log');
  let logFd: number;
  try {
    logFd = openSync(logPath, 'a');
  } catch {
    throw new PondError('ENOENT', `no pond at ${pond}`);
  }
  const args = [process.argv[1]!, '--pond', pond, 'mount', '--foreground', ...process.argv.slice(process.argv.indexOf('mount') + 1).filter((a) => a !== mountpoint && !/^-?-?foreground$/.test(a)), mountpoint];
  // bin/pond.js has set UV_THREADPOOL_SIZE in this environment; the server inherits it.
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', logFd, logFd, 'ipc'] });
  const ready = await new Promise<Ready>((resolve) => {
    child.once('message', (m) => resolve(m as Ready));
    child.once('exit', (code) => resolve({ error: `the mount server exited (code ${code}); see ${logPath}`, code: 'EIO' }));
  });
  child.unref();
  if ('error' in ready) throw new PondError(ready.code === 'EUSAGE' ? 'EUSAGE' : 'EIO', ready.error);
  out(`mounted ${pond} at ${mountpoint} (version ${ready.version}, server pid ${child.pid}, log ${logPath})`);
  child.disconnect?.();
}

export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(s.trim());
  if (!m) throw new PondError('EUSAGE', `bad size: ${s} (e.g. 256M)`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(Number(m[1]) * mult);
}

function parseSeconds(s: string): number {
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0) throw new PondError('EUSAGE', `bad number of seconds: ${s}`);
  return n;
}
