import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mounted, cleanup, isMounted, mountExisting, mountNew, pond, sh } from './harness.js';

// The mount as a user sees it: files written through it are committed on fsync, and
// every committed version is browsable, read-only, under .history/.

async function fsyncFile(path: string, data: string): Promise<void> {
  const fh = await fsp.open(path, 'w');
  await fh.writeFile(data);
  await fh.sync();
  await fh.close();
}

async function versions(dir: string): Promise<Array<{ version: number; time: string; summary: string }>> {
  const r = await pond(dir, 'log', '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Array<{ version: number; time: string; summary: string }>;
}

/** Waits (up to 10 s) until process `pid` is gone; false if it is still there. */
async function exited(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try { process.kill(pid, 0); } catch { return true; }
    await new Promise((res) => setTimeout(res, 100));
  }
  return false;
}

describe('pond mount', () => {
  let m: Mounted;
  beforeAll(async () => {
    m = await mountNew(['--commit-interval', '3600']);
  });
  afterAll(async () => {
    await m?.umount();
    cleanup(m);
  });

  it('commits on fsync and shows each version under .history', async () => {
    await fsyncFile(join(m.mnt, 'a.txt'), 'first\n');
    const v1 = (await versions(m.pondDir))[0]!;
    expect(v1.version).toBe(1);
    expect(v1.summary).toMatch(/fsync/);
    await fsp.mkdir(join(m.mnt, 'dir'));
    await fsyncFile(join(m.mnt, 'a.txt'), 'second\n');
    await fsyncFile(join(m.mnt, 'dir', 'b.txt'), 'bee\n');
    const latest = (await versions(m.pondDir))[0]!.version;
    expect(await fsp.readFile(join(m.mnt, '.history', '1', 'a.txt'), 'utf8')).toBe('first\n');
    expect(await fsp.readFile(join(m.mnt, '.history', String(latest), 'a.txt'), 'utf8')).toBe('second\n');
    expect(await fsp.readFile(join(m.mnt, '.history', String(latest), 'dir', 'b.txt'), 'utf8')).toBe('bee\n');
    expect(await fsp.readlink(join(m.mnt, '.history', 'latest'))).toBe(String(latest));
    expect(await fsp.readFile(join(m.mnt, '.history', 'latest', 'a.txt'), 'utf8')).toBe('second\n');
    expect(await fsp.readdir(join(m.mnt, '.history', '0'))).toEqual([]);
  });

  it('hides .history from the root listing but reaches it by name', async () => {
    const names = await fsp.readdir(m.mnt);
    expect(names).not.toContain('.history');
    const st = await fsp.stat(join(m.mnt, '.history'));
    expect(st.isDirectory()).toBe(true);
    expect(await fsp.readdir(join(m.mnt, '.history'))).toContain('latest');
  });

  it('resolves .history/@TIME to the version current then', async () => {
    const log = await versions(m.pondDir);
    const v1 = log.find((e) => e.version === 1)!;
    const at = join(m.mnt, '.history', `@${v1.time}`, 'a.txt');
    expect(await fsp.readFile(at, 'utf8')).toBe('first\n');
    await expect(fsp.readdir(join(m.mnt, '.history', '@1999-01-01T00:00:00Z'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fsp.readdir(join(m.mnt, '.history', '99999'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses every change under .history with EROFS', async () => {
    const h = join(m.mnt, '.history', '1');
    await expect(fsp.writeFile(join(h, 'new'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
    await expect(fsp.writeFile(join(h, 'a.txt'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
    await expect(fsp.unlink(join(h, 'a.txt'))).rejects.toMatchObject({ code: 'EROFS' });
    await expect(fsp.mkdir(join(h, 'd'))).rejects.toMatchObject({ code: 'EROFS' });
    await expect(fsp.rename(join(h, 'a.txt'), join(h, 'c.txt'))).rejects.toMatchObject({ code: 'EROFS' });
    await expect(fsp.chmod(join(h, 'a.txt'), 0o600)).rejects.toMatchObject({ code: 'EROFS' });
    await expect(fsp.mkdir(join(m.mnt, '.history'))).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('keeps an unlinked open file readable and leaves no .fuse_hidden entry', async () => {
    const p = join(m.mnt, 'open-unlinked');
    await fsp.writeFile(p, 'still here');
    const fh = await fsp.open(p, 'r+');
    await fsp.unlink(p);
    const buf = Buffer.alloc(10);
    await fh.read(buf, 0, 10, 0);
    expect(buf.toString()).toBe('still here');
    await fh.write('STILL', 0);
    await fh.sync();
    await fh.close();
    expect((await fsp.readdir(m.mnt)).filter((n) => n.startsWith('.fuse_hidden'))).toEqual([]);
  });

  it('flushes on unmount and serves the same tree after remount; --read-only and --at refuse writes', async () => {
    await fsp.writeFile(join(m.mnt, 'unsynced.txt'), 'flushed by umount');
    await m.umount();
    expect(isMounted(m.mnt)).toBe(false);
    const cat = await pond(m.pondDir, 'cat', '/unsynced.txt');
    expect(cat.stdout).toBe('flushed by umount');
    const ro = await mountExisting(m.pondDir, m.mnt, m.base, ['--read-only']);
    expect(await fsp.readFile(join(m.mnt, 'unsynced.txt'), 'utf8')).toBe('flushed by umount');
    await expect(fsp.writeFile(join(m.mnt, 'x'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
    await ro.umount();
    const at = await mountExisting(m.pondDir, m.mnt, m.base, ['--at', '1']);
    expect(await fsp.readFile(join(m.mnt, 'a.txt'), 'utf8')).toBe('first\n');
    await expect(fsp.writeFile(join(m.mnt, 'a.txt'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
    await at.umount();
    m = await mountExisting(m.pondDir, m.mnt, m.base, ['--commit-interval', '3600']);
  });

  it('clears a stale mount left by a killed server', async () => {
    const rec = (await import('../../src/fuse/registry.js')).lookup;
    const r = await rec(m.mnt);
    expect(r?.pid).toBeGreaterThan(0);
    process.kill(r!.pid, 'SIGKILL');
    // Until the server has exited, a request may wait on it and end ECONNABORTED when its
    // /dev/fuse closes (a loaded machine); after, the dead mount answers ENOTCONN.
    expect(await exited(r!.pid)).toBe(true);
    await expect(fsp.readdir(m.mnt)).rejects.toMatchObject({ code: 'ENOTCONN' });
    m = await mountExisting(m.pondDir, m.mnt, m.base, ['--commit-interval', '3600']);
    expect(await fsp.readFile(join(m.mnt, 'a.txt'), 'utf8')).toBe('second\n');
  });

  it('commits and lets go of the pond when unmounted with plain fusermount -u', async () => {
    const rec = await (await import('../../src/fuse/registry.js')).lookup(m.mnt);
    expect(rec?.pid).toBeGreaterThan(0);
    // Written but never fsynced: only the server's own flush can commit it.
    await fsp.writeFile(join(m.mnt, 'unsynced.txt'), 'kept\n');
    sh(`fusermount -u ${m.mnt}`, m.base);
    // The server notices within its poll, flushes, releases the lock and exits.
    expect(await exited(rec!.pid)).toBe(true);
    const cat = await pond(m.pondDir, 'cat', '/unsynced.txt');
    expect(cat.stdout).toBe('kept\n');
    expect((await versions(m.pondDir))[0]!.summary).toMatch(/unmount/);
    m = await mountExisting(m.pondDir, m.mnt, m.base, ['--commit-interval', '3600']);
    expect(await fsp.readFile(join(m.mnt, 'unsynced.txt'), 'utf8')).toBe('kept\n');
  });
});
