import * as nodePath from 'node:path';
import { PondError } from '../errors.js';
import { Pond, type PondOptions } from '../tinylogfs/index.js';

/** Options every command accepts. */
export interface GlobalOptions {
  pond?: string;
}

/** The pond directory: --pond, else $POND. */
export function pondDir(opts: GlobalOptions): string {
  const dir = opts.pond ?? process.env.POND;
  if (!dir) throw new PondError('EUSAGE', 'no pond given: use --pond DIR or set POND');
  return nodePath.resolve(dir);
}

/** Opens the pond for one command and always closes it (flushing writes) afterwards. */
export async function withPond<T>(opts: GlobalOptions, how: PondOptions, fn: (pond: Pond) => Promise<T>): Promise<T> {
  const pond = await Pond.open(pondDir(opts), { owner: `pond ${commandName()}`.trim(), ...how });
  try {
    return await fn(pond);
  } finally {
    await pond.close();
  }
}

/** The subcommand being run (skipping global options), for the lock's owner line. */
function commandName(): string {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--pond') i++;
    else if (!a.startsWith('-')) return a;
  }
  return '';
}

/** The caller's identity, owner of new nodes. */
export function caller(): { uid: number; gid: number } {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/** A pond path must be absolute ('/a/b'); a relative one is taken from the pond's root. */
export function pondPath(p: string): string {
  if (p.includes('\0')) throw new PondError('EUSAGE', 'path contains a NUL byte');
  return p.startsWith('/') ? p : `/${p}`;
}
