// pond's patched fuse-native asks the kernel for 1 MiB requests (pond_max_pages, see
// scripts/fuse-native-attr-cache.c pond_init_reply), and as root pond raises its mount's
// read-ahead to match (src/fuse/readAhead.ts). Seen through the server's counters of the
// largest read and write requests, while ANOTHER process reads and writes (this process
// serves the mount, so it must not block on it). Bytes are compared too.
import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FuseServer } from '../../src/fuse/FuseServer.js';
import { maxRequestPages } from '../../src/fuse/nativeSupport.js';
import { mountDevice } from '../../src/fuse/readAhead.js';
import { Pond } from '../../src/tinylogfs/index.js';
import { isMounted } from '../mount/harness.js';

const exec = promisify(execFile);
const MiB = 1024 * 1024;

describe.runIf(process.getuid?.() === 0)('request sizes on a real mount', () => {
  let base: string;
  let server: FuseServer;
  const committed = randomBytes(8 * MiB);

  beforeAll(async () => {
    base = mkdtempSync(path.join(tmpdir(), 'pond-req-'));
    const pondDir = path.join(base, 'pond');
    const mountpoint = path.join(base, 'm');
    mkdirSync(mountpoint);
    // A file committed before the mount: its pages are not in this mount's page cache.
    const pond = await Pond.create(pondDir);
    const f = await pond.fs.create('/committed', 0o644, { uid: 0, gid: 0 });
    await pond.fs.write(f, 0, committed);
    await pond.close();
    server = await FuseServer.start({ pondDir, mountpoint, commitInterval: 3600, log: () => undefined });
  });
  afterAll(async () => {
    await server?.stop().catch(() => undefined);
    if (server && isMounted(server.mountpoint)) execFileSync('fusermount', ['-uz', server.mountpoint]);
    rmSync(base, { recursive: true, force: true });
  });

  it('takes writes of up to the pages the binary can ask for', async () => {
    const src = path.join(base, 'src');
    const data = randomBytes(8 * MiB);
    writeFileSync(src, data);
    await exec('dd', [`if=${src}`, `of=${path.join(server.mountpoint, 'written')}`, 'bs=1M', 'conv=fsync']);
    expect(server.counters.largestWrite).toBe(maxRequestPages() * 4096);
    const { stdout } = await exec('cmp', [src, path.join(server.mountpoint, 'written')]);
    expect(stdout).toBe('');
  });

  it('reads ahead in requests as large, and reads back every byte', async () => {
    const dev = await mountDevice(server.mountpoint);
    expect(dev).toMatch(/^\d+:\d+$/);
    expect(readFileSync(`/sys/class/bdi/${dev}/read_ahead_kb`, 'utf8').trim()).toBe(String(maxRequestPages() * 4));
    const { stdout } = await exec('sha256sum', [path.join(server.mountpoint, 'committed')]);
    expect(stdout.split(' ')[0]).toBe(createHash('sha256').update(committed).digest('hex'));
    expect(server.counters.largestRead).toBe(maxRequestPages() * 4096);
  });
});
