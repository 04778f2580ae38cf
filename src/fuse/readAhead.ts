// The kernel reads ahead at most its per-filesystem read_ahead_kb (128 KiB for every FUSE
// mount, and the INIT reply can only lower it), so sequential reads arrive as 128 KiB
// requests however large the mount lets them be. Raising it is a write to sysfs that
// only root may make: pond makes it when it can, for its own mount only, and otherwise
// reads ahead 128 KiB as before (native-notes/performance.md "1 MiB requests").
import { promises as fsp } from 'node:fs';

/** The "major:minor" of the filesystem mounted at `mountpoint` (a real path), per mountinfo. */
export async function mountDevice(mountpoint: string): Promise<string | undefined> {
  const info = await fsp.readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  let dev: string | undefined;
  for (const line of info.split('\n')) {
    // Fields: id, parent, major:minor, root, mount point (octal escapes), ...
    const f = line.split(' ');
    if (f.length > 4 && unescapeMountField(f[4]!) === mountpoint) dev = f[2]; // the last (top) one
  }
  return dev;
}

function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Sets the mount's read-ahead to `kib`; false when it could not (not root, no sysfs). */
export async function raiseReadAhead(mountpoint: string, kib: number): Promise<boolean> {
  const dev = await mountDevice(mountpoint);
  if (!dev || !/^\d+:\d+$/.test(dev)) return false;
  try {
    await fsp.writeFile(`/sys/class/bdi/${dev}/read_ahead_kb`, `${kib}\n`);
    return true;
  } catch {
    return false;
  }
}
