// Hand-written types for fuse-native 2.2.6 (no types ship with it). Every signature here
// was checked against node_modules/fuse-native/index.js and fuse-native.c (FUSE_USE_VERSION
// 29, libfuse 2.9.9 bundled), not against its README, which is wrong in places (fsync's
// argument order, for one). See native-notes/ for what each callback receives in practice.
//
// The one rule that matters most: the first callback argument is a NUMBER, 0 or a
// negative errno (or a byte count for read/write/getxattr). `null`/`undefined` for a void
// operation (unlink, rename, ...) reaches napi_get_value_int32, which throws "Expected
// number" inside process.nextTick: the process dies and the kernel request never returns.

declare module 'fuse-native' {
  namespace Fuse {
    /** 0 for success, a negative errno (Fuse.ENOENT = -2, ...) for failure. */
    type Code = number;
    type DoneCallback = (code: Code) => void;

    /**
     * What getattr returns. Every field is optional; index.js packs them into a
     * Uint32Array(18): mode, uid, gid, dev, nlink (0 -> 1), ino, rdev, blksize are
     * truncated to 32 bits; size and blocks keep 53 bits. Times are a Date or a number
     * of milliseconds since the epoch: sub-millisecond precision is lost, and a missing
     * time becomes Date.now(). `ino` is ignored by libfuse unless `use_ino` is mounted.
     */
    interface Stat {
      mode?: number;
      uid?: number;
      gid?: number;
      size?: number;
      dev?: number;
      nlink?: number;
      ino?: number;
      rdev?: number;
      blksize?: number;
      blocks?: number;
      atime?: Date | number;
      mtime?: Date | number;
      ctime?: Date | number;
    }

    /** statvfs fields; each is truncated to 32 bits (blocks/files too). */
    interface Statfs {
      bsize?: number;
      frsize?: number;
      blocks?: number;
      bfree?: number;
      bavail?: number;
      files?: number;
      ffree?: number;
      favail?: number;
      fsid?: number;
      flag?: number;
      namemax?: number;
    }

    /**
     * The handlers. A missing handler means libfuse does not get the operation at all
     * (the kernel sees ENOSYS, except: no `create` -> mknod + open; no getattr -> only
     * '/' exists). `path` is always the path inside the mount, starting with '/'.
     * `fd` is the 32-bit file handle returned by open/create/opendir (0 = none: a
     * handle of 0 is never stored, so use handles >= 1).
     */
    interface Operations {
      init?(cb: DoneCallback): void;
      error?(cb: DoneCallback): void;
      access?(path: string, mode: number, cb: DoneCallback): void;
      statfs?(path: string, cb: (code: Code, statfs?: Statfs) => void): void;
      getattr?(path: string, cb: (code: Code, stat?: Stat) => void): void;
      /**
       * Only its presence matters: when defined, libfuse may call fgetattr, but index.js
       * then invokes `getattr(path, cb)`, never this function.
       */
      fgetattr?(path: string, fd: number, cb: (code: Code, stat?: Stat) => void): void;
      flush?(path: string, fd: number, cb: DoneCallback): void;
      /** Argument order as index.js calls it: datasync BEFORE fd (the README says otherwise). */
      fsync?(path: string, datasync: number, fd: number, cb: DoneCallback): void;
      fsyncdir?(path: string, datasync: number, fd: number, cb: DoneCallback): void;
      /**
       * Whole directory in one answer (offset is not exposed; the filler is called with
       * offset 0). Names longer than 1023 UTF-8 bytes are truncated by the binding.
       * `stats`, when given, must have the same length as `names`; libfuse 2 without
       * use_ino ignores all of it except the type bits of mode.
       */
      readdir?(path: string, cb: (code: Code, names?: string[], stats?: Stat[]) => void): void;
      truncate?(path: string, size: number, cb: DoneCallback): void;
      ftruncate?(path: string, fd: number, size: number, cb: DoneCallback): void;
      /**
       * atime and mtime in milliseconds. fuse-native 2.2.6 passes the ATIME for both
       * (fuse-native.c: FUSE_UINT64_TO_INTS_ARGV(l->atime, 5)); see native-notes/semantics.md.
       */
      utimens?(path: string, atime: number, mtime: number, cb: DoneCallback): void;
      readlink?(path: string, cb: (code: Code, target?: string) => void): void;
      chown?(path: string, uid: number, gid: number, cb: DoneCallback): void;
      chmod?(path: string, mode: number, cb: DoneCallback): void;
      mknod?(path: string, mode: number, dev: number, cb: DoneCallback): void;
      /**
       * `value` is a view of libfuse memory, detached after cb: copy it before answering.
       * position is always 0 on Linux; flags are XATTR_CREATE (1) / XATTR_REPLACE (2).
       */
      setxattr?(path: string, name: string, value: Buffer, position: number, flags: number,
        cb: DoneCallback): void;
      /**
       * Answer cb(0, value) with a Buffer, or cb(0, null) for "no such attribute"
       * (index.js turns that into ENODATA). position is always 0 on Linux. The value is
       * copied into the caller's buffer without a size check.
       */
      getxattr?(path: string, name: string, position: number,
        cb: (code: Code, value?: Buffer | null) => void): void;
      listxattr?(path: string, cb: (code: Code, names?: string[]) => void): void;
      removexattr?(path: string, name: string, cb: DoneCallback): void;
      /** flags are the open(2) flags (O_ACCMODE, O_APPEND, O_TRUNC...); answer a handle. */
      open?(path: string, flags: number, cb: (code: Code, fd?: number) => void): void;
      opendir?(path: string, flags: number, cb: (code: Code, fd?: number) => void): void;
      /**
       * Fill `buf` (libfuse memory, detached after cb) and answer the byte count
       * (0 = end of file) or a negative errno. `position` is exact up to 2^53.
       */
      read?(path: string, fd: number, buf: Buffer, length: number, position: number,
        cb: (bytesOrCode: number) => void): void;
      /** `buf` is detached after cb: copy what you keep. Answer the bytes written. */
      write?(path: string, fd: number, buf: Buffer, length: number, position: number,
        cb: (bytesOrCode: number) => void): void;
      release?(path: string, fd: number, cb: DoneCallback): void;
      releasedir?(path: string, fd: number, cb: DoneCallback): void;
      /** The open flags are NOT passed, only the mode (with S_IFREG). Answer a handle. */
      create?(path: string, mode: number, cb: (code: Code, fd?: number) => void): void;
      unlink?(path: string, cb: DoneCallback): void;
      /** No flags: RENAME_NOREPLACE/EXCHANGE never reach the filesystem (EINVAL). */
      rename?(src: string, dest: string, cb: DoneCallback): void;
      /** link(existing, newPath). */
      link?(src: string, dest: string, cb: DoneCallback): void;
      /** symlink(target, linkPath): `src` is the link's target text, `dest` the new path. */
      symlink?(src: string, dest: string, cb: DoneCallback): void;
      /** mode without S_IFDIR (the permission bits, after umask). */
      mkdir?(path: string, mode: number, cb: DoneCallback): void;
      rmdir?(path: string, cb: DoneCallback): void;
    }

    type OperationName = keyof Operations;

    /**
     * Handler timeout in milliseconds. A handler that has not answered in time is
     * answered -ETIMEDOUT (-110) and its late answer ignored. `false` disables it;
     * `0`, like undefined, means the 15 s default. Per operation: `{ default: ms,
     * write: false, fsync: 120000 }` (an op set to 0/undefined gets `default`).
     */
    type Timeout = number | false | ({ default?: number } & { [op in OperationName]?: number | false });

    /**
     * Options. index.js turns a fixed set of camelCase keys into one `-o a,b,c` string
     * (at most 1023 bytes) and DROPS falsy values (attrTimeout: 0 does nothing) and
     * every key it does not know (bigWrites, maxWrite, useIno, negativeTimeout...).
     * String values are joined unescaped, so a value may carry further ",opt" items:
     * src/fuse/mountOptions.ts uses that to pass the options fuse-native lacks.
     */
    interface Options {
      debug?: boolean;
      /** fusermount -uz the mount point first if it is stale (ENOTCONN/ENXIO on stat). */
      force?: boolean;
      /** Create the mount point if it does not exist. */
      mkdir?: boolean;
      timeout?: Timeout;
      allowOther?: boolean;
      allowRoot?: boolean;
      autoUnmount?: boolean;
      defaultPermissions?: boolean;
      blkdev?: boolean;
      blksize?: number;
      maxRead?: number;
      fd?: number;
      /** Broken in 2.2.6: pushes 'user_id=' and the id as two separate items. */
      userId?: number;
      fsname?: string;
      subtype?: string;
      kernelCache?: boolean;
      autoCache?: boolean;
      umask?: number | string;
      uid?: number;
      gid?: number;
      /** Seconds; 0 is dropped (libfuse's default, 1 s, applies). */
      entryTimeout?: number;
      attrTimeout?: number;
      acAttrTimeout?: number;
      noforget?: boolean;
      remember?: number;
      modules?: string;
      /** macOS only. */
      displayFolder?: boolean;
      name?: string;
    }
  }

  class Fuse {
    constructor(mnt: string, ops: Fuse.Operations, opts?: Fuse.Options);
    readonly mnt: string;
    readonly opts: Fuse.Options;
    readonly ops: Fuse.Operations;
    /** Number of ms, or 0 when disabled. */
    readonly timeout: Fuse.Timeout | 0;

    /** Mounts; cb runs once libfuse has called init (the mount is usable). */
    mount(cb: (err: Error | null) => void): void;
    /** Runs `fusermount -uz` on the mount point, then detaches the native thread. */
    unmount(cb: (err: (Error & { unmountFailure?: boolean }) | null) => void): void;
    /** Maps an errno name to its negative number: errno('ENOENT') === -2; unknown -> -1. */
    errno(code: string): number;
    /** The `-o...` string index.js builds from opts ('' when none). Internal, overridable. */
    protected _fuseOptions(): string;

    /** `fusermount -uz MNT` (diskutil on macOS); cb(err) if fusermount fails. */
    static unmount(mnt: string, cb: (err: Error | null) => void): void;
    /** Always true on Linux (fuse-shared-library-linux). */
    static isConfigured(cb: (err: Error | null, configured: boolean) => void): void;
    static configure(cb: (err: Error | null) => void): void;
    static unconfigure(cb: (err: Error | null) => void): void;
    static beforeMount(cb: (err: Error | null) => void): void;
    static beforeUnmount(cb: (err: Error | null) => void): void;

    static readonly EPERM: -1;
    static readonly ENOENT: -2;
    static readonly ESRCH: -3;
    static readonly EINTR: -4;
    static readonly EIO: -5;
    static readonly ENXIO: -6;
    static readonly E2BIG: -7;
    static readonly ENOEXEC: -8;
    static readonly EBADF: -9;
    static readonly ECHILD: -10;
    static readonly EAGAIN: -11;
    static readonly ENOMEM: -12;
    static readonly EACCES: -13;
    static readonly EFAULT: -14;
    static readonly ENOTBLK: -15;
    static readonly EBUSY: -16;
    static readonly EEXIST: -17;
    static readonly EXDEV: -18;
    static readonly ENODEV: -19;
    static readonly ENOTDIR: -20;
    static readonly EISDIR: -21;
    static readonly EINVAL: -22;
    static readonly ENFILE: -23;
    static readonly EMFILE: -24;
    static readonly ENOTTY: -25;
    static readonly ETXTBSY: -26;
    static readonly EFBIG: -27;
    static readonly ENOSPC: -28;
    static readonly ESPIPE: -29;
    static readonly EROFS: -30;
    static readonly EMLINK: -31;
    static readonly EPIPE: -32;
    static readonly EDOM: -33;
    static readonly ERANGE: -34;
    static readonly EDEADLK: -35;
    static readonly ENAMETOOLONG: -36;
    static readonly ENOLCK: -37;
    static readonly ENOSYS: -38;
    static readonly ENOTEMPTY: -39;
    static readonly ELOOP: -40;
    static readonly EWOULDBLOCK: -11;
    static readonly ENOMSG: -42;
    static readonly EIDRM: -43;
    static readonly ECHRNG: -44;
    static readonly EL2NSYNC: -45;
    static readonly EL3HLT: -46;
    static readonly EL3RST: -47;
    static readonly ELNRNG: -48;
    static readonly EUNATCH: -49;
    static readonly ENOCSI: -50;
    static readonly EL2HLT: -51;
    static readonly EBADE: -52;
    static readonly EBADR: -53;
    static readonly EXFULL: -54;
    static readonly ENOANO: -55;
    static readonly EBADRQC: -56;
    static readonly EBADSLT: -57;
    static readonly EDEADLOCK: -35;
    static readonly EBFONT: -59;
    static readonly ENOSTR: -60;
    static readonly ENODATA: -61;
    static readonly ETIME: -62;
    static readonly ENOSR: -63;
    static readonly ENONET: -64;
    static readonly ENOPKG: -65;
    static readonly EREMOTE: -66;
    static readonly ENOLINK: -67;
    static readonly EADV: -68;
    static readonly ESRMNT: -69;
    static readonly ECOMM: -70;
    static readonly EPROTO: -71;
    static readonly EMULTIHOP: -72;
    static readonly EDOTDOT: -73;
    static readonly EBADMSG: -74;
    static readonly EOVERFLOW: -75;
    static readonly ENOTUNIQ: -76;
    static readonly EBADFD: -77;
    static readonly EREMCHG: -78;
    static readonly ELIBACC: -79;
    static readonly ELIBBAD: -80;
    static readonly ELIBSCN: -81;
    static readonly ELIBMAX: -82;
    static readonly ELIBEXEC: -83;
    static readonly EILSEQ: -84;
    static readonly ERESTART: -85;
    static readonly ESTRPIPE: -86;
    static readonly EUSERS: -87;
    static readonly ENOTSOCK: -88;
    static readonly EDESTADDRREQ: -89;
    static readonly EMSGSIZE: -90;
    static readonly EPROTOTYPE: -91;
    static readonly ENOPROTOOPT: -92;
    static readonly EPROTONOSUPPORT: -93;
    static readonly ESOCKTNOSUPPORT: -94;
    static readonly EOPNOTSUPP: -95;
    static readonly EPFNOSUPPORT: -96;
    static readonly EAFNOSUPPORT: -97;
    static readonly EADDRINUSE: -98;
    static readonly EADDRNOTAVAIL: -99;
    static readonly ENETDOWN: -100;
    static readonly ENETUNREACH: -101;
    static readonly ENETRESET: -102;
    static readonly ECONNABORTED: -103;
    static readonly ECONNRESET: -104;
    static readonly ENOBUFS: -105;
    static readonly EISCONN: -106;
    static readonly ENOTCONN: -107;
    static readonly ESHUTDOWN: -108;
    static readonly ETOOMANYREFS: -109;
    static readonly ETIMEDOUT: -110;
    static readonly ECONNREFUSED: -111;
    static readonly EHOSTDOWN: -112;
    static readonly EHOSTUNREACH: -113;
    static readonly EALREADY: -114;
    static readonly EINPROGRESS: -115;
    static readonly ESTALE: -116;
    static readonly EUCLEAN: -117;
    static readonly ENOTNAM: -118;
    static readonly ENAVAIL: -119;
    static readonly EISNAM: -120;
    static readonly EREMOTEIO: -121;
    static readonly EDQUOT: -122;
    static readonly ENOMEDIUM: -123;
    static readonly EMEDIUMTYPE: -124;
  }

  export = Fuse;
}
