import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { PondError } from '../../src/errors.js';
import { type FS, type FileNode } from '../../src/tinyfs/index.js';
import { Pond, type PondOptions } from '../../src/tinylogfs/index.js';
import { readWhole as get } from './readWhole.js';
import { tempDirs } from './tempDirs.js';

const me = { uid: 1000, gid: 1000 };
const tmp = tempDirs('pond-tlfs-');

async function put(fs: FS, path: string, data: Uint8Array | string): Promise<void> {
  const f = await fs.create(path, 0o644, me, false);
  await fs.truncate(f, 0);
  await fs.write(f, 0, typeof data === 'string' ? Buffer.from(data) : data);
}

describe('Pond (TinyLogFS on disk)', () => {
  it('commits, reopens and time travels', async () => {
    const dir = tmp();
    let pond = await Pond.create(dir);
    expect(pond.version).toBe(0);
    await pond.fs.mkdir('/a', 0o755, me);
    await put(pond.fs, '/a/hello.txt', 'hello');
    const c1 = await pond.flush('test');
    expect(c1?.version).toBe(1);
    expect(c1?.counts.created).toBe(2);
    await put(pond.fs, '/a/hello.txt', 'hello, world');
    await pond.fs.symlink('hello.txt', '/a/link', me);
    await pond.fs.link('/a/hello.txt', '/hard');
    await pond.flush('test');
    await pond.close();

    pond = await Pond.open(dir);
    expect(pond.version).toBe(2);
    expect((await get(pond.fs, '/a/hello.txt')).toString()).toBe('hello, world');
    expect((await get(pond.fs, '/a/link')).toString()).toBe('hello, world');
    expect((await pond.fs.stat('/hard')).nlink).toBe(2);
    expect(await pond.fs.resolve('/hard')).toBe(await pond.fs.resolve('/a/hello.txt'));
    const v1 = await pond.view(1);
    expect((await get(v1, '/a/hello.txt')).toString()).toBe('hello');
    expect(await v1.readdir('/a')).toEqual(['hello.txt']);
    const v0 = await pond.view(0);
    expect(await v0.readdir('/')).toEqual([]);
    await expect(v1.mkdir('/x', 0o755, me)).rejects.toMatchObject({ code: 'EROFS' });
    await pond.close();
  });

  it('stores large files as chunks, dedups, and reads ranges', async () => {
    const dir = tmp();
    const pond = await Pond.create(dir);
    const big = randomBytes(3 * 1024 * 1024 + 17);
    await put(pond.fs, '/big', big);
    await pond.flush();
    await put(pond.fs, '/copy', big);
    const c = await pond.flush();
    expect(c?.counts.bytes).toBe(big.length); // hashed again, but ...
    await pond.close();
    const again = await Pond.open(dir, { cacheSize: 1024 * 1024 });
    const got = await get(again.fs, '/big');
    expect(got.equals(big)).toBe(true);
    const f = (await again.fs.resolve('/copy')) as FileNode;
    const mid = await again.fs.read(f, 1_000_000, 300_000);
    expect(Buffer.from(mid).equals(big.subarray(1_000_000, 1_300_000))).toBe(true);
    // A one-byte change rewrites one page in memory and one chunk or two on disk.
    await again.fs.write(f, 2_000_000, Buffer.from('X'));
    await again.flush();
    const expected = Buffer.from(big);
    expected[2_000_000] = 'X'.charCodeAt(0);
    expect((await get(again.fs, '/copy')).equals(expected)).toBe(true);
    await again.close();
  });

  it('records deletes and renames so reopen and old views agree', async () => {
    const dir = tmp();
    const pond = await Pond.create(dir);
    await pond.fs.mkdir('/d', 0o755, me);
    await put(pond.fs, '/d/f', 'one');
    await pond.flush();
    await pond.fs.rename('/d/f', '/g');
    await pond.fs.rmdir('/d');
    await pond.flush();
    await put(pond.fs, '/tmpfile', 'x');
    await pond.fs.unlink('/tmpfile');
    // Born and gone between flushes: only the root's times changed.
    expect((await pond.flush())?.counts).toMatchObject({ created: 0, deleted: 0, updated: 1 });
    await pond.close();
    const p2 = await Pond.open(dir);
    expect(await p2.fs.readdir('/')).toEqual(['g']);
    expect((await get(p2.fs, '/g')).toString()).toBe('one');
    expect(await (await p2.view(1)).readdir('/d')).toEqual(['f']);
    await p2.close();
  });

  it('lets only one writer in and recovers a dead writer\'s lock', async () => {
    const dir = tmp();
    const pond = await Pond.create(dir);
    await expect(Pond.open(dir)).rejects.toMatchObject({ code: 'ELOCKED' });
    const reader = await Pond.open(dir, { readOnly: true });
    await expect(reader.fs.mkdir('/x', 0o755, me)).rejects.toBeInstanceOf(PondError);
    await pond.close();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: 999_999_99, host: (await import('node:os')).hostname(), since: 'x', what: 'dead' }));
    const again = await Pond.open(dir);
    await again.close();
  });

  it('shares one commit among concurrent flushes', async () => {
    const dir = tmp();
    const pond = await Pond.create(dir);
    await put(pond.fs, '/a', 'a');
    const first = pond.flush();
    await put(pond.fs, '/b', 'b');
    const second = pond.flush();
    await put(pond.fs, '/c', 'c');
    const third = pond.flush();
    const [r1, r2, r3] = await Promise.all([first, second, third]);
    expect(r1?.version).toBe(1);
    expect(r2?.version).toBe(2);
    expect(r3).toBe(r2);
    await pond.close();
  });
  /** A pond whose files /f0../f(n-1) were each committed by an fsync (merges deferred). */
  const fsyncedFiles = async (dir: string, n: number, opts: PondOptions = {}): Promise<Pond> => {
    const pond = await Pond.create(dir, opts);
    for (let i = 0; i < n; i++) {
      await put(pond.fs, `/f${i}`, `v${i}`);
      await pond.flush('fsync');
    }
    return pond;
  };

  it('leaves small-file merges out of fsync commits and merges once the writer idles', async () => {
    const dir = tmp();
    const pond = await fsyncedFiles(dir, 12, { commitInterval: 0.05 });
    const root = (): number => pond.oplog.partitionFiles().get(pond.oplog.snapshot.files[0]!.partitionValues.part_id!)!.length;
    // Twelve fsync commits, one file each in the root's partition, and no merge among them.
    expect(pond.version).toBe(12);
    expect(root()).toBe(13);
    expect(pond.oplog.upkeepPending).toBe(true);
    // The timer finds nothing to commit but the deferred merge: a version of its own.
    await vi.waitFor(() => expect(pond.oplog.upkeepPending).toBe(false), { timeout: 20_000, interval: 20 });
    expect(pond.version).toBe(13);
    expect(root()).toBeLessThan(8);
    const [info] = await pond.oplog.table.commitInfos(13, 13);
    expect(info!.commitInfo?.operation).toBe('OPTIMIZE');
    await pond.close();
    const again = await Pond.open(dir, { readOnly: true });
    for (let i = 0; i < 12; i++) expect((await get(again.fs, `/f${i}`)).toString()).toBe(`v${i}`);
    await again.close();
  });

  it('makes deferred merges on close', async () => {
    const dir = tmp();
    const pond = await fsyncedFiles(dir, 10);
    expect(pond.oplog.upkeepPending).toBe(true);
    await pond.close();
    const again = await Pond.open(dir, { readOnly: true });
    expect(again.version).toBe(11);
    expect([...again.oplog.partitionFiles().values()].every((files) => files.length < 8)).toBe(true);
    await again.close();
  });

  it('makes deferred merges on close when it joins a queued fsync commit', async () => {
    const dir = tmp();
    const pond = await fsyncedFiles(dir, 9);
    await put(pond.fs, '/f9', 'v9');
    const running = pond.flush('fsync');
    await put(pond.fs, '/f10', 'v10');
    // Queued behind the running commit as an fsync (urgent) one; close shares it.
    const queued = pond.flush('fsync');
    await pond.close();
    await Promise.all([running, queued]);
    const again = await Pond.open(dir, { readOnly: true });
    expect((await get(again.fs, '/f10')).toString()).toBe('v10');
    expect([...again.oplog.partitionFiles().values()].every((files) => files.length < 8)).toBe(true);
    await again.close();
  });

  it('tells a failed timer commit once, keeps its changes and commits them later', async () => {
    const dir = tmp();
    const told: string[] = [];
    const pond = await Pond.create(dir, { commitInterval: 0.02, onCommitError: (trigger, err) => told.push(`${trigger}: ${String(err)}`) });
    await put(pond.fs, '/a', 'first');
    await pond.flush('fsync');
    // The root's partition folder becomes a file: every data file written there fails.
    const part = join(dir, 'oplog', `part_id=${pond.oplog.snapshot.files[0]!.partitionValues.part_id!}`);
    renameSync(part, `${part}.away`);
    writeFileSync(part, 'in the way');
    await put(pond.fs, '/a', 'second');
    await vi.waitFor(() => expect(told.length).toBe(1), { timeout: 10_000, interval: 20 });
    expect(told[0]).toMatch(/^timer: /);
    await put(pond.fs, '/a', 'third'); // the timer runs again: same failure, not told again
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(told).toEqual([told[0]]);
    expect(pond.version).toBe(1);
    rmSync(part);
    renameSync(`${part}.away`, part);
    const c = await pond.flush('fsync');
    expect(c?.version).toBe(2);
    await pond.close();
    const again = await Pond.open(dir, { readOnly: true });
    expect((await get(again.fs, '/a')).toString()).toBe('third');
    await again.close();
  });
});
