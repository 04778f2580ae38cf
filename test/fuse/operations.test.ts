// The FUSE handlers called in process (no kernel): the synchronous fast paths of getattr
// must give the same answers as the full walk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Fuse from 'fuse-native';
import { HistoryRouter } from '../../src/fuse/HistoryRouter.js';
import { makeOperations } from '../../src/fuse/operations.js';
import { Pond } from '../../src/tinylogfs/index.js';

type Cb<T> = (code: number, value?: T) => void;
const call = <T>(f: (cb: Cb<T>) => void): Promise<[number, T | undefined]> =>
  new Promise((resolve) => f((code, value) => resolve([code, value])));

describe('fuse operations', () => {
  let dir: string;
  let pond: Pond;
  let ops: Fuse.Operations;
  const getattr = (p: string) => call<Fuse.Stat>((cb) => ops.getattr!(p, cb as never));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pond-ops-'));
    pond = await Pond.create(path.join(dir, 'p'));
    ops = makeOperations({ pond, router: new HistoryRouter(pond, pond.fs, 'hidden'), readOnly: false, log: () => undefined });
    expect((await getattr('/'))[0]).toBe(0);
    expect((await call((cb) => ops.mkdir!('/d', 0o755, cb as never)))[0]).toBe(0);
  });
  afterAll(async () => {
    await pond.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a missing name ENOENT, then the created file, then ENOENT after unlink', async () => {
    expect((await getattr('/d/f'))[0]).toBe(-2);
    const [code, fd] = await call<number>((cb) => ops.create!('/d/f', 0o100644, cb as never));
    expect(code).toBe(0);
    const [c2, st] = await getattr('/d/f');
    expect(c2).toBe(0);
    expect(st!.mode).toBe(0o100644);
    expect((await call((cb) => ops.release!('/d/f', fd!, cb as never)))[0]).toBe(0);
    expect((await call((cb) => ops.unlink!('/d/f', cb as never)))[0]).toBe(0);
    expect((await getattr('/d/f'))[0]).toBe(-2);
    expect((await getattr('/d'))[0]).toBe(0);
  });

  it('answers ENOENT for a removed directory and keeps its siblings', async () => {
    expect((await call((cb) => ops.mkdir!('/e', 0o755, cb as never)))[0]).toBe(0);
    expect((await getattr('/e'))[0]).toBe(0);
    expect((await call((cb) => ops.rmdir!('/e', cb as never)))[0]).toBe(0);
    expect((await getattr('/e'))[0]).toBe(-2);
    expect((await getattr('/e/x'))[0]).toBe(-2);
    expect((await getattr('/d'))[0]).toBe(0);
  });

  it('keeps the special answers the fast path must not shadow', async () => {
    expect((await getattr('/.history'))[0]).toBe(0); // hidden from readdir, still there
    expect((await getattr(`/d/${'x'.repeat(300)}`))[0]).toBe(-36); // ENAMETOOLONG
    expect((await getattr(`/d/${'é'.repeat(127)}`))[0]).toBe(-2); // 254 bytes: a valid name
    expect((await getattr(`/d/${'é'.repeat(128)}`))[0]).toBe(-36); // 256 bytes
    expect((await getattr('/d/missing/deeper'))[0]).toBe(-2);
  });

  it('reads no attributes of .history and .history/latest, and refuses to set them', async () => {
    await pond.flush('v1');
    const getx = (p: string) => call<Buffer>((cb) => ops.getxattr!(p, 'security.selinux', 0, cb as never));
    const listx = (p: string) => call<string[]>((cb) => ops.listxattr!(p, cb as never));
    for (const p of ['/.history', '/.history/latest']) {
      expect((await getx(p))[0]).toBe(-61); // ENODATA, as for any node without it (ls -l asks)
      expect(await listx(p)).toEqual([0, []]);
      expect((await call((cb) => ops.setxattr!(p, 'user.x', Buffer.from('v'), 0, 0, cb as never)))[0]).toBe(-30); // EROFS
    }
    expect((await getx('/.history/1'))[0]).toBe(-61);
  });

  it('finds a file created behind the cache (through the FS) after a missing answer', async () => {
    expect((await getattr('/d/g'))[0]).toBe(-2);
    await pond.fs.create('/d/g', 0o600, { uid: 0, gid: 0 });
    expect((await getattr('/d/g'))[0]).toBe(0);
  });
});
