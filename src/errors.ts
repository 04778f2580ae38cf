// One error type for the whole pond. Every layer throws PondError with an errno-style
// code, so the FUSE layer can map it to an errno and the CLI to an exit code without
// reading message text. Tests assert `code`, never the message.

export type ErrorCode =
  // POSIX codes, spelled as Linux spells them (fuse/ maps them to numbers).
  | 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EROFS' | 'EIO'
  | 'EINVAL' | 'ENAMETOOLONG' | 'ELOOP' | 'EXDEV' | 'EPERM' | 'EACCES' | 'EBADF'
  | 'ENOSPC' | 'ENODATA' | 'ERANGE' | 'E2BIG' | 'EFBIG' | 'EBUSY' | 'EMLINK' | 'ENOTSUP'
  // Domain codes.
  | 'ECORRUPT'       // a log file, checkpoint or data file is damaged or inconsistent
  | 'ECONFLICT'      // another writer committed the same version first
  | 'EUNSUPPORTED'   // a table needs a reader/writer feature the pond does not implement
  | 'ELOCKED'        // another live writer owns the pond
  | 'ENOVERSION'     // a version or time outside the table's history
  | 'EUSAGE';        // bad arguments from a user

export interface PondErrorOptions {
  /** The operation that failed, e.g. 'open', 'commit', 'rename'. */
  op?: string;
  /** The file or pond path the error is about. */
  path?: string;
  cause?: unknown;
}

export class PondError extends Error {
  readonly code: ErrorCode;
  readonly op: string | undefined;
  readonly path: string | undefined;

  constructor(code: ErrorCode, message: string, options: PondErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PondError';
    this.code = code;
    this.op = options.op;
    this.path = options.path;
  }
}

/** Node's own fs errors carry a string `code`; this narrows unknown catches to them. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export function isPondError(err: unknown, code?: ErrorCode): err is PondError {
  return err instanceof PondError && (code === undefined || err.code === code);
}

/** Converts any thrown value to a PondError, keeping codes that Node's fs already set. */
export function toPondError(err: unknown, op: string, path?: string): PondError {
  if (err instanceof PondError) return err;
  const code = errnoCode(err);
  const known: ErrorCode[] = ['ENOENT', 'EEXIST', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY', 'EROFS', 'EIO',
    'EINVAL', 'ENAMETOOLONG', 'ELOOP', 'EXDEV', 'EPERM', 'EACCES', 'ENOSPC', 'EBUSY'];
  const message = err instanceof Error ? err.message : String(err);
  const c = known.find((k) => k === code) ?? 'EIO';
  return new PondError(c, message, { op, path, cause: err });
}
