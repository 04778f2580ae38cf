// The kernel caches exactly what pond lets it cache (scripts/fuse-native-attr-cache.c):
// directories and single-link files, never a file that has had several links, never
// `.history`. Seen through the server's getattr counter while ANOTHER process stats
// (this process serves the mount, so it must not block on it). No timing: the mount's
// attribute time is an hour, so nothing cached expires during the test.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FuseServer } from '../../src/fuse/FuseServer.js';
import { attrCacheSupported } from '../../src/fuse/nativeSupport.js';
import { Pond } from '../../src/tinylogfs/index.js';
import { isMounted } from '../mount/harness.js';

const exec = promisify(execFile);
const N = 100;

/** Runs `body` (JS using fs and the mount path `m`) in a child node process. */
async function child(m: string, body: string): Promise<string> {
  const { stdout } = await exec(process.execPath, ['-e', `const fs = require('fs'); const m = ${JSON.stringify(m)}; ${body}`]);
  return stdout;
}

async function mount(base: string, name: string, attrTimeout: number): Promise<FuseServer> {
  const pondDir = path.join(base, `${name}-pond`);
  const mountpoint = path.join(base, name);
  mkdirSync(mountpoint);
  await (await Pond.create(pondDir)).close();
  return FuseServer.start({ pondDir, mountpoint, attrTimeout, commitInterval: 3600, log: () => undefined });
}

/** getattr calls the server answered while a child stats `rel` N times (after one stat). */
async function getattrsFor(server: FuseServer, rel: string, stat = 'statSync'): Promise<number> {
  const p = path.join(server.mountpoint, rel);
  await child(server.mountpoint, `fs.${stat}(${JSON.stringify(p)});`);
  const before = server.counters.getattr;
  await child(server.mountpoint, `for (let i = 0; i < ${N}; i++) fs.${stat}(${JSON.stringify(p)});`);
  return server.counters.getattr - before;
}

describe.runIf(process.getuid?.() === 0)('attribute cache on a real mount', () => {
  let base: string;
  let cached: FuseServer;
  let uncached: FuseServer;

  beforeAll(async () => {
    base = mkdtempSync(path.join(tmpdir(), 'pond-attr-'));
    cached = await mount(base, 'cached', 3600);
    uncached = await mount(base, 'uncached', 0);
    for (const s of [cached, uncached]) {
      await child(s.mountpoint, `fs.mkdirSync(m + '/d'); fs.writeFileSync(m + '/d/one', '1');
        fs.writeFileSync(m + '/d/two', '2'); fs.linkSync(m + '/d/two', m + '/d/two-b');`);
    }
  });
  afterAll(async () => {
    for (const s of [cached, uncached]) {
      await s?.stop().catch(() => undefined);
      if (s && isMounted(s.mountpoint)) execFileSync('fusermount', ['-uz', s.mountpoint]);
    }
    rmSync(base, { recursive: true, force: true });
  });

  it('is available: the fuse-native binary carries the patch', () => {
    expect(attrCacheSupported()).toBe(true);
  });

  it('answers repeated stats of a single-link file and of a directory from the kernel', async () => {
    // A LOOKUP (entry time 1 s) also calls getattr: a few may come through on a slow machine.
    expect(await getattrsFor(cached, 'd/one')).toBeLessThan(N / 4);
    expect(await getattrsFor(cached, 'd')).toBeLessThan(N / 4);
  });

  it('sends every stat of a hard-linked file to the server, through either name', async () => {
    expect(await getattrsFor(cached, 'd/two')).toBeGreaterThanOrEqual(N);
    expect(await getattrsFor(cached, 'd/two-b')).toBeGreaterThanOrEqual(N);
  });

  it('keeps a file that had two links uncached after one goes', async () => {
    await child(cached.mountpoint, `fs.unlinkSync(m + '/d/two-b');`);
    expect(await getattrsFor(cached, 'd/two')).toBeGreaterThanOrEqual(N);
  });

  it('never caches .history, whose times and target change with commits', async () => {
    expect(await getattrsFor(cached, '.history')).toBeGreaterThanOrEqual(N);
    expect(await getattrsFor(cached, '.history/latest', 'lstatSync')).toBeGreaterThanOrEqual(N);
  });

  it('answers the kernel\'s security.capability question before each write from memory', async () => {
    // The kernel asks before every write() (to drop file capabilities); once the server
    // said "none" for a file, the channel answers the rest itself.
    const before = cached.counters.getxattr;
    await child(cached.mountpoint, `const fd = fs.openSync(m + '/d/one', 'a');
      for (let i = 0; i < ${N}; i++) fs.writeSync(fd, 'x'); fs.closeSync(fd);`);
    expect(cached.counters.getxattr - before).toBeLessThan(N / 4);
    // A user asking gets the same answer the server gave.
    const out = await exec('python3', ['-c', 'import os, sys\ntry: os.getxattr(sys.argv[1], "security.capability")\nexcept OSError as e: print(e.errno)',
      path.join(cached.mountpoint, 'd/one')]);
    expect(out.stdout.trim()).toBe('61'); // ENODATA
  });

  it('caches nothing with --attr-timeout 0', async () => {
    expect(await getattrsFor(uncached, 'd/one')).toBeGreaterThanOrEqual(N);
    expect(await getattrsFor(uncached, 'd')).toBeGreaterThanOrEqual(N);
  });
});
