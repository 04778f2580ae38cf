// PondError codes -> the negative Linux errno numbers fuse-native passes to the kernel.
// The one place where the FUSE layer turns failures into numbers. Anything we cannot
// name becomes EIO, never ENOSYS: after one ENOSYS the kernel stops sending that
// operation for the rest of the mount (go-fuse's mistake, see STYLE.md).

import { errnoCode, isPondError, type ErrorCode } from '../errors.js';

/** Linux errno values, negated as fuse-native expects them (Fuse.ENOENT === -2). */
export const Errno = {
  EPERM: -1,
  ENOENT: -2,
  EIO: -5,
  EBADF: -9,
  EAGAIN: -11,
  ENOMEM: -12,
  EACCES: -13,
  EBUSY: -16,
  EEXIST: -17,
  EXDEV: -18,
  ENOTDIR: -20,
  EISDIR: -21,
  EINVAL: -22,
  EMFILE: -24,
  EFBIG: -27,
  ENOSPC: -28,
  EROFS: -30,
  EMLINK: -31,
  ERANGE: -34,
  E2BIG: -7,
  ENAMETOOLONG: -36,
  ENOSYS: -38,
  ENOTEMPTY: -39,
  ELOOP: -40,
  ENODATA: -61,
  EOVERFLOW: -75,
  // Linux has one number for both names.
  ENOTSUP: -95,
  EOPNOTSUPP: -95,
  ETIMEDOUT: -110,
} as const;

export type ErrnoName = keyof typeof Errno;

const byCode: Record<ErrorCode, number> = {
  ENOENT: Errno.ENOENT,
  EEXIST: Errno.EEXIST,
  ENOTDIR: Errno.ENOTDIR,
  EISDIR: Errno.EISDIR,
  ENOTEMPTY: Errno.ENOTEMPTY,
  EROFS: Errno.EROFS,
  EIO: Errno.EIO,
  EINVAL: Errno.EINVAL,
  ENAMETOOLONG: Errno.ENAMETOOLONG,
  ELOOP: Errno.ELOOP,
  EXDEV: Errno.EXDEV,
  EPERM: Errno.EPERM,
  EACCES: Errno.EACCES,
  EBADF: Errno.EBADF,
  ENOSPC: Errno.ENOSPC,
  ENODATA: Errno.ENODATA,
  ERANGE: Errno.ERANGE,
  E2BIG: Errno.E2BIG,
  EFBIG: Errno.EFBIG,
  EBUSY: Errno.EBUSY,
  EMLINK: Errno.EMLINK,
  ENOTSUP: Errno.ENOTSUP,
  // Domain codes: what a program on the mount can sensibly be told.
  ECORRUPT: Errno.EIO,       // damaged data must never read as data
  ECONFLICT: Errno.EIO,      // a lost commit race: the write did not become durable
  EUNSUPPORTED: Errno.ENOTSUP,
  ELOCKED: Errno.EBUSY,      // another writer owns the pond
  ENOVERSION: Errno.ENOENT,  // .history/<n> for a version that does not exist
  EUSAGE: Errno.EINVAL,
};

/** Negative errno for a PondError code. */
export function errnoForCode(code: ErrorCode): number {
  return byCode[code];
}

/**
 * Negative errno for anything thrown by a handler: PondError by its code, Node fs errors
 * by their `code` string (EACCES, ENOENT...) when we know it, everything else EIO.
 */
export function toErrno(err: unknown): number {
  if (isPondError(err)) return byCode[err.code] ?? Errno.EIO;
  const code = errnoCode(err);
  if (code !== undefined && code !== 'ENOSYS' && Object.hasOwn(Errno, code)) {
    return Errno[code as ErrnoName];
  }
  return Errno.EIO;
}
