import { createHash } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';

// Which process serves which mount point, so `pond umount DIR` can ask that server to
// flush and leave, rather than unmounting under it (which would lose unflushed writes).

export interface MountRecord {
  pid: number;
  pond: string;
  mountpoint: string;
  since: string;
  /** Left by a server whose last flush failed, for `pond umount` to report. */
  error?: string;
}

function registryDir(): string {
  return nodePath.join(process.env.XDG_RUNTIME_DIR ?? tmpdir(), 'pond-mounts');
}

function recordPath(mountpoint: string): string {
  const key = createHash('sha1').update(nodePath.resolve(mountpoint)).digest('hex').slice(0, 16);
  return nodePath.join(registryDir(), `${key}.json`);
}

export async function register(rec: MountRecord): Promise<void> {
  await fsp.mkdir(registryDir(), { recursive: true });
  await fsp.writeFile(recordPath(rec.mountpoint), JSON.stringify(rec));
}

export async function unregister(mountpoint: string, pid = process.pid): Promise<void> {
  const rec = await lookup(mountpoint);
  if (rec && rec.pid === pid) await fsp.unlink(recordPath(mountpoint)).catch(() => undefined);
}

/** Forgets a mount record whatever process wrote it. */
export async function forget(mountpoint: string): Promise<void> {
  await fsp.unlink(recordPath(mountpoint)).catch(() => undefined);
}

export async function lookup(mountpoint: string): Promise<MountRecord | undefined> {
  try {
    return JSON.parse(await fsp.readFile(recordPath(mountpoint), 'utf8')) as MountRecord;
  } catch {
    return undefined;
  }
}

/** Mount points of FUSE filesystems now in the kernel's table. */
export function fuseMounts(): string[] {
  const text = readFileSync('/proc/mounts', 'utf8');
  return text.split('\n').filter((l) => / fuse(\.[\w-]+)? /.test(l)).map((l) => unescapeMount(l.split(' ')[1] ?? ''));
}

export function isMounted(mountpoint: string): boolean {
  return fuseMounts().includes(nodePath.resolve(mountpoint));
}

/** /proc/mounts writes spaces and tabs in octal. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}
