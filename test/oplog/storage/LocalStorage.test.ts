import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStorage } from '../../../src/oplog/storage/index.js';
import { SYNC_IO_MAX } from '../../../src/oplog/storage/durableFile.js';

describe('LocalStorage commit primitives', () => {
  let root: string;
  let s: LocalStorage;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'pond-ls-'));
    s = new LocalStorage(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads a range, short at the end of the file, and rejects a bad length (no uncaught throw)', async () => {
    await s.putNew('d/f', new Uint8Array([1, 2, 3, 4, 5]));
    expect([...(await s.read('d/f', { offset: 1, length: 2 }))]).toEqual([2, 3]);
    expect([...(await s.read('d/f', { offset: 3, length: 10 }))]).toEqual([4, 5]);
    await expect(s.read('d/f', { offset: 0, length: -1 })).rejects.toThrow();
  });

  it('putIfAbsent publishes only after `after` resolves', async () => {
    let release!: () => void;
    const after = new Promise<void>((r) => { release = r; });
    const put = s.putIfAbsent('log/0.json', new Uint8Array([1, 2]), { after });
    await new Promise((r) => setTimeout(r, 50));
    expect(await s.stat('log/0.json')).toBeUndefined();
    release();
    await put;
    expect([...(await s.read('log/0.json'))]).toEqual([1, 2]);
    expect(readdirSync(path.join(root, 'log', '.tmp'))).toEqual([]);
  });

  it('putIfAbsent publishes nothing and leaves no temp when `after` rejects', async () => {
    const after = Promise.reject(new Error('data file failed'));
    await expect(s.putIfAbsent('log/0.json', new Uint8Array([1]), { after })).rejects.toThrow('data file failed');
    expect(await s.stat('log/0.json')).toBeUndefined();
    expect(readdirSync(path.join(root, 'log', '.tmp'))).toEqual([]);
  });

  it('putIfAbsent refuses a taken name, leaving the file and no temp behind', async () => {
    await s.putIfAbsent('log/0.json', new Uint8Array([1]));
    await expect(s.putIfAbsent('log/0.json', new Uint8Array([2]))).rejects.toMatchObject({ code: 'EEXIST' });
    expect([...(await s.read('log/0.json'))]).toEqual([1]);
    expect(readdirSync(path.join(root, 'log', '.tmp'))).toEqual([]);
  });

  it('putNew and putIfAbsent write files above SYNC_IO_MAX (written on the pool) whole', async () => {
    const big = new Uint8Array(SYNC_IO_MAX + 12345).map((_, i) => (i * 7) & 255);
    await s.putNew('d/big', big);
    await s.putIfAbsent('log/big', big);
    expect(Buffer.compare(await s.read('d/big'), big)).toBe(0);
    expect(Buffer.compare(await s.read('log/big'), big)).toBe(0);
  });

  it('putNew creates missing folders, writes in place, and refuses a taken name', async () => {
    await s.putNew('part_id=a/x.parquet', new Uint8Array([7]));
    expect([...(await s.read('part_id=a/x.parquet'))]).toEqual([7]);
    expect(readdirSync(path.join(root, 'part_id=a'))).toEqual(['x.parquet']);
    await expect(s.putNew('part_id=a/x.parquet', new Uint8Array([8]))).rejects.toMatchObject({ code: 'EEXIST' });
    expect([...(await s.read('part_id=a/x.parquet'))]).toEqual([7]);
  });

  it('putNew recreates a folder removed behind its back on the next call', async () => {
    await s.putNew('d/a', new Uint8Array([1]));
    rmSync(path.join(root, 'd'), { recursive: true });
    await expect(s.putNew('d/b', new Uint8Array([2]))).rejects.toMatchObject({ code: 'ENOENT' });
    await s.putNew('d/b', new Uint8Array([2]));
    expect([...(await s.read('d/b'))]).toEqual([2]);
  });

  it('writeFresh makes a folder once, and again after it was removed behind its back', async () => {
    await s.writeFresh('d/a', new Uint8Array([1]));
    await s.sync();
    await s.writeFresh('d/b', new Uint8Array([2]));
    rmSync(path.join(root, 'd'), { recursive: true });
    await expect(s.writeFresh('d/c', new Uint8Array([3]))).rejects.toMatchObject({ code: 'ENOENT' });
    await s.writeFresh('d/c', new Uint8Array([3]));
    await s.sync();
    expect([...(await s.read('d/c'))]).toEqual([3]);
  });

  it('read and stat of a staged name whose publish finished since the look find the name', async () => {
    await s.stage('c/a', new Uint8Array([1, 2, 3]));
    // What publishStaged does on disk, while the look at the staged copy is not yet answered:
    // the name is linked, the staged copy unlinked.
    const [staged] = readdirSync(path.join(root, '.tmp'));
    mkdirSync(path.join(root, 'c'));
    linkSync(path.join(root, '.tmp', staged!), path.join(root, 'c', 'a'));
    unlinkSync(path.join(root, '.tmp', staged!));
    expect([...(await s.read('c/a'))]).toEqual([1, 2, 3]);
    expect(await s.stat('c/a')).toMatchObject({ path: 'c/a', size: 3 });
  });

  it('stage makes its folder once, and again after it was removed behind its back', async () => {
    await s.stage('c/a', new Uint8Array([1]));
    await s.publishStaged();
    rmSync(path.join(root, '.tmp'), { recursive: true });
    await expect(s.stage('c/b', new Uint8Array([2]))).rejects.toMatchObject({ code: 'ENOENT' });
    await s.stage('c/b', new Uint8Array([2]));
    await s.publishStaged();
    expect([...(await s.read('c/a'))]).toEqual([1]);
    expect([...(await s.read('c/b'))]).toEqual([2]);
  });
});
