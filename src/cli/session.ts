import { PondError } from '../errors.js';
import type { FS } from '../tinyfs/index.js';
import type { CommitResult, Pond } from '../tinylogfs/index.js';
import { type GlobalOptions, withPond } from './context.js';

// How commands use a pond. Readers open it read-only (no lock: they work while a mount
// writes) and see the latest version or, with --at, a past one. Writers take the lock,
// make their changes, and commit them as one version; if anything fails, the changes are
// dropped so that a failed command leaves the pond as it was.

export interface AtOption {
  at?: string;
}

export const AT_HELP = 'read the pond as of version V or ISO-8601 time TIME';

/** Runs `fn` on the tree of the latest version, or of `--at V|TIME`. */
export function withView<T>(opts: GlobalOptions, at: string | undefined, fn: (fs: FS, version: number, pond: Pond) => Promise<T>): Promise<T> {
  return withPond(opts, { readOnly: true, cacheSize: 32 * 1024 * 1024 }, async (pond) => {
    if (at === undefined) return fn(pond.fs, pond.version, pond);
    const version = await pond.resolveVersion(at);
    return fn(await pond.view(version), version, pond);
  });
}

/**
 * Runs `fn` with the pond open for writing and commits what it changed as one version,
 * described by `what` (it becomes the commit's summary). Returns fn's result and the commit
 * (undefined when nothing changed).
 */
export async function withWriter<T>(opts: GlobalOptions, what: string, fn: (pond: Pond) => Promise<T>): Promise<{ result: T; commit: CommitResult | undefined }> {
  return withPond(opts, {}, async (pond) => {
    let result: T;
    try {
      result = await fn(pond);
    } catch (err) {
      // Nothing of a failed command may reach the log.
      pond.fs.takeChanges();
      throw err;
    }
    return { result, commit: await pond.flush(what) };
  });
}

/** A clearer message for the errors users hit most. */
export function explain(err: unknown, what: string): never {
  if (err instanceof PondError && err.code === 'ENOENT' && !err.message.startsWith('no pond')) {
    throw new PondError('ENOENT', `${what}: ${err.message}`, { path: err.path, op: err.op, cause: err });
  }
  throw err;
}

/** True when `path` names a directory (following symlinks); false when missing or not one. */
export async function isDir(fs: FS, path: string): Promise<boolean> {
  try {
    return (await fs.resolve(path, true)).kind === 'directory';
  } catch (err) {
    if (err instanceof PondError && ['ENOENT', 'ENOTDIR', 'ELOOP'].includes(err.code)) return false;
    throw err;
  }
}
