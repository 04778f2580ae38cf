// The kernel reads ahead at most its per-filesystem read_ahead_kb (128 KiB for every FUSE
// mount, and the INIT reply can only lower it), so sequential reads arrive as 128 KiB
// requests however large the mount lets them be. Raising it is a write to sysfs that
// only root may make: pond makes it when it can, for its own mount only, and otherwise
// reads ahead 128 KiB as before (native-notes/performance.md "1 MiB requests").
import { promises as fsp } from 'node:fs';

/**
 * The "major:minor" of the filesystem mounted at `mountpoint`, from an (asynchronous)
 * stat of it. On a FUSE mount that stat is answered only once the kernel has processed
 * the INIT reply, which sets read_ahead_kb to min(itself, the reply's max_readahead):
 * fuse-native calls back from mount() while the INIT is still being answered, so a
 * read-ahead set before that stat could be lowered again. Asynchronous on purpose: the
 * server's own thread must stay free to answer the stat.
 */
export async function mountDevice(mountpoint: string): Promise<string | undefined> {
  const dev = await fsp.stat(mountpoint, { bigint: true }).then((s) => s.dev, () => undefined);
  if (dev === undefined) return undefined;
  // glibc's dev_t encoding (gnu_dev_major / gnu_dev_minor)
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/** Sets the read-ahead of the mount with device `dev` to `kib`; false when it could not (not root, no sysfs). */
export async function raiseReadAhead(dev: string | undefined, kib: number): Promise<boolean> {
  if (dev === undefined) return false;
  try {
    await fsp.writeFile(`/sys/class/bdi/${dev}/read_ahead_kb`, `${kib}\n`);
    return true;
  } catch {
    return false;
  }
}
