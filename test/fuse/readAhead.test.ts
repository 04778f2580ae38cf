// raiseReadAhead right after mount(): fuse-native calls back from mount() while the INIT
// is still being answered, and the kernel's processing of the INIT reply sets the
// mount's read_ahead_kb to min(itself, the reply's max_readahead). A read-ahead written
// before that was silently lowered back to 128 KiB. Here the INIT is answered late on
// purpose, so the order is certain.
import { execFileSync } from 'node:child_process';
import { promises as fsp, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type FuseType from 'fuse-native';
import { buildFuseOptions } from '../../src/fuse/mountOptions.js';
import { mountDevice, raiseReadAhead } from '../../src/fuse/readAhead.js';
import { isMounted } from '../mount/harness.js';

const Fuse = createRequire(import.meta.url)('fuse-native') as typeof FuseType;

describe.runIf(process.getuid?.() === 0)('raiseReadAhead', () => {
  const base = mkdtempSync(path.join(tmpdir(), 'pond-ra-'));
  const mnt = path.join(base, 'm');
  afterAll(() => {
    if (isMounted(mnt)) execFileSync('fusermount', ['-uz', mnt]);
    rmSync(base, { recursive: true, force: true });
  });

  it('keeps the read-ahead it set when the INIT reply comes after the mount callback', async () => {
    const now = new Date();
    const root = { mtime: now, atime: now, ctime: now, nlink: 2, size: 4096, mode: 0o40755, uid: 0, gid: 0, ino: 1 };
    let initialized = false;
    const ops: FuseType.Operations = {
      init: (cb) => setTimeout(() => { initialized = true; cb(0); }, 300),
      getattr: (p, cb) => (p === '/' ? cb(0, root as FuseType.Stat) : cb(Fuse.ENOENT)),
    };
    const fuse = new Fuse(mnt, ops, buildFuseOptions({ mkdir: true, force: true }));
    const raised = await new Promise<boolean>((resolve, reject) => fuse.mount((err) => {
      if (err) return reject(err);
      expect(initialized).toBe(false); // the mount callback comes first
      resolve(mountDevice(mnt).then((dev) => raiseReadAhead(dev, 1024)));
    }));
    try {
      expect(raised).toBe(true);
      await fsp.stat(mnt); // answered only once the kernel has processed the INIT reply
      expect(initialized).toBe(true);
      const dev = await mountDevice(mnt);
      expect(readFileSync(`/sys/class/bdi/${dev}/read_ahead_kb`, 'utf8').trim()).toBe('1024');
    } finally {
      await new Promise<void>((resolve) => fuse.unmount(() => resolve()));
    }
  });
});
