// Building fuse-native's options. fuse-native's option builder (index.js _fuseOptions)
// knows a fixed list of camelCase keys, drops falsy values (attrTimeout: 0 does nothing)
// and silently ignores unknown keys, so big_writes, max_write, negative_timeout and
// use_ino cannot be asked for by name. It joins the values it knows with ',' and does not
// escape them, and libfuse splits `-o` on ','. So we put every item in one string-valued
// key, fsname: { fsname: 'pond,subtype=pond,big_writes,max_write=131072,...' } becomes
// `-ofsname=pond,subtype=pond,big_writes,...`, which libfuse reads as separate options.
// Measured and explained in native-notes/options.md.

import type Fuse from 'fuse-native';

export type CacheMode = 'kernel' | 'auto' | 'none';

/** Pages (4 KiB) per request every libfuse 2 mount gets: 128 KiB. */
export const LIBFUSE_PAGES = 32;

export interface MountOptions {
  /** Shown as the source in /proc/mounts and df. Default 'pond'. */
  fsname?: string;
  /** Shown as fuse.<subtype> in /proc/mounts. Default 'pond'. */
  subtype?: string;
  /** Writes up to maxWrite bytes per request instead of 4 KiB. Default true. */
  bigWrites?: boolean;
  /** Bytes per write request; the kernel caps it at requestPages (32: 128 KiB). Default: that cap. */
  maxWrite?: number;
  /** Bytes per read request; the kernel caps it at requestPages. Default: that cap. */
  maxRead?: number;
  /**
   * Page cache policy. 'kernel': keep cached pages across opens (safe when every change
   * goes through this mount, as in pond). 'auto': keep them unless getattr at open shows
   * another mtime or size. 'none': drop them on every open. Default 'kernel'.
   */
  cache?: CacheMode;
  /** Seconds the kernel caches attributes / names / "no such name". 0 is passed too. */
  attrTimeout?: number;
  /**
   * Seconds for pond's per-reply attribute cache (needs the patched fuse-native, see
   * nativeSupport.ts): directories and single-link files get this, everything else 0.
   * Passed as `pond_attr_cache=S`, which the patched binary takes out before libfuse
   * sees the options (an unpatched one makes the mount fail rather than go stale).
   * Use with attrTimeout: 0.
   */
  attrCache?: number;
  /**
   * Pages (4 KiB) per read or write request, above libfuse 2's 32 (needs the patched
   * fuse-native and attrCache, see nativeSupport.ts maxRequestPages): passed as
   * `pond_max_pages=N`, with max_write and max_read raised to match.
   */
  requestPages?: number;
  entryTimeout?: number;
  negativeTimeout?: number;
  /** Report getattr's `ino` (fuse-native keeps 32 bits) as st_ino. Default true. */
  useIno?: boolean;
  /** Let the kernel check permissions from mode/uid/gid. Default true. */
  defaultPermissions?: boolean;
  /** Let other users see the mount (root, or user_allow_other in /etc/fuse.conf). */
  allowOther?: boolean;
  /** Per-handler timeout; see Fuse.Timeout. Default: 30 s, none for durability ops. */
  timeout?: Fuse.Timeout;
  /** Clear a stale mount at the mount point before mounting. Default true. */
  force?: boolean;
  mkdir?: boolean;
  debug?: boolean;
  /** Further raw `-o` items, e.g. ['noforget']. No commas inside an item. */
  extra?: string[];
}

/** Never time out the calls whose failure would lie about durability. */
export const DEFAULT_TIMEOUT: Fuse.Timeout = {
  default: 30_000, fsync: false, fsyncdir: false, flush: false, release: false,
};

const MAX_OPTION_STRING = 1023; // fuse-native copies the string into char[1024]

/** The raw `-o` items, in order, without the leading 'fsname=' carrier. */
export function rawOptionItems(o: MountOptions = {}): string[] {
  const items: string[] = [];
  items.push(`subtype=${o.subtype ?? 'pond'}`);
  if (o.bigWrites ?? true) items.push('big_writes');
  const pages = o.requestPages !== undefined && o.requestPages > LIBFUSE_PAGES ? positiveInt('requestPages', o.requestPages) : undefined;
  const requestBytes = (pages ?? LIBFUSE_PAGES) * 4096;
  items.push(`max_write=${positiveInt('maxWrite', o.maxWrite ?? requestBytes)}`);
  items.push(`max_read=${positiveInt('maxRead', o.maxRead ?? requestBytes)}`);
  const cache = o.cache ?? 'kernel';
  if (cache === 'kernel') items.push('kernel_cache');
  else if (cache === 'auto') items.push('auto_cache');
  if (o.attrTimeout !== undefined) items.push(`attr_timeout=${seconds('attrTimeout', o.attrTimeout)}`);
  if (o.entryTimeout !== undefined) items.push(`entry_timeout=${seconds('entryTimeout', o.entryTimeout)}`);
  if (o.negativeTimeout !== undefined) {
    items.push(`negative_timeout=${seconds('negativeTimeout', o.negativeTimeout)}`);
  }
  if (o.attrCache !== undefined) items.push(`pond_attr_cache=${seconds('attrCache', o.attrCache)}`);
  if (pages !== undefined) items.push(`pond_max_pages=${pages}`);
  if (o.useIno ?? true) items.push('use_ino');
  if (o.defaultPermissions ?? true) items.push('default_permissions');
  if (o.allowOther) items.push('allow_other');
  for (const item of o.extra ?? []) items.push(item);
  for (const item of items) {
    if (item.includes(',') || item.length === 0) throw new TypeError(`bad FUSE option item '${item}'`);
  }
  return items;
}

/** The options object for `new Fuse(mnt, ops, options)`. */
export function buildFuseOptions(o: MountOptions = {}): Fuse.Options {
  const fsname = o.fsname ?? 'pond';
  if (/[,\\\s]/.test(fsname) || fsname.length === 0) throw new TypeError(`bad fsname '${fsname}'`);
  const carrier = [fsname, ...rawOptionItems(o)].join(',');
  if (optionString(carrier, o.debug).length > MAX_OPTION_STRING) {
    throw new TypeError('FUSE option string longer than fuse-native accepts (1023 bytes)');
  }
  const opts: Fuse.Options = {
    fsname: carrier,
    timeout: o.timeout ?? DEFAULT_TIMEOUT,
    force: o.force ?? true,
  };
  if (o.mkdir) opts.mkdir = true;
  if (o.debug) opts.debug = true;
  return opts;
}

/** What fuse-native will pass to libfuse for buildFuseOptions(o): for logs and tests. */
export function fuseOptionString(o: MountOptions = {}): string {
  const opts = buildFuseOptions(o);
  return optionString(opts.fsname ?? '', o.debug);
}

function optionString(carrier: string, debug: boolean | undefined): string {
  return `-o${debug ? 'debug,' : ''}fsname=${carrier}`;
}

function positiveInt(name: string, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new TypeError(`${name} must be a positive integer`);
  return n;
}

function seconds(name: string, n: number): string {
  if (!Number.isFinite(n) || n < 0) throw new TypeError(`${name} must be >= 0 seconds`);
  return String(n);
}
