import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, linkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOW, log, ok, pond, tempDir } from './harness.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const P = join(tmp.dir, 'pond');
const big = randomBytes(300 * 1024);

interface LsEntry { path: string; kind: string; mode: number; nlink: number; size: number; mtime: string; target?: string }

async function tree(at?: string): Promise<LsEntry[]> {
  const r = await ok(P, ['ls', '-R', '--json', ...(at ? ['--at', at] : []), '/']);
  return (JSON.parse(r.stdout) as Array<LsEntry & Record<string, unknown>>).map(({ path, kind, mode, nlink, size, mtime, target }) =>
    ({ path, kind, mode, nlink, size, mtime, ...(target ? { target } : {}) }));
}

function countFiles(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

describe('pond restore', { timeout: SLOW }, () => {
  beforeAll(async () => {
    const src = join(tmp.dir, 'a');
    mkdirSync(join(src, 'b'), { recursive: true });
    writeFileSync(join(src, 'x.txt'), 'x at version 1\n');
    writeFileSync(join(src, 'big.bin'), big);
    writeFileSync(join(src, 'b/inner.txt'), 'inner\n');
    symlinkSync('x.txt', join(src, 'link'));
    linkSync(join(src, 'x.txt'), join(src, 'hard.txt'));
    await ok(P, ['init']);
    await ok(P, ['import', src, '/']); // version 1
    await ok(P, ['write', '/a/x.txt'], 'x at version 2\n'); // 2
    await ok(P, ['rm', '-r', '/a/b']); // 3
    await ok(P, ['mv', '/a/big.bin', '/moved.bin']); // 4
    await ok(P, ['write', '/new.txt'], 'new\n'); // 5
    await ok(P, ['rm', '/a/link']); // 6
  }, SLOW);

  it('restores one path, then the whole tree, each as one new commit', async () => {
    const r1 = await ok(P, ['restore', '--to', '1', '/a/b']);
    expect(r1.stdout).toMatch(/restored \/a\/b to version 1 as version 7/);
    const [inner, x, moved] = await Promise.all([ok(P, ['cat', '/a/b/inner.txt']), ok(P, ['cat', '/a/x.txt']), ok(P, ['cat', '/moved.bin'])]);
    expect(inner.stdout).toBe('inner\n');
    expect(x.stdout).toBe('x at version 2\n'); // outside PATH: untouched
    expect(moved.bytes.equals(big)).toBe(true);

    const chunksBefore = countFiles(join(P, 'content'));
    const r2 = await ok(P, ['restore', '--json', '--to', '1']);
    // Content comes back by reference: not one chunk is written again.
    expect(countFiles(join(P, 'content'))).toBe(chunksBefore);
    const res = JSON.parse(r2.stdout) as { to: number; version: number; created: number; removed: number };
    expect(res).toMatchObject({ to: 1, version: 8 });
    expect(res.removed).toBeGreaterThanOrEqual(2);
    const [now, then, catX, catHard, catBig, entries] = await Promise.all([
      tree(), tree('1'), ok(P, ['cat', '/a/x.txt']), ok(P, ['cat', '/a/hard.txt']), ok(P, ['cat', '/a/big.bin']), log(P),
    ]);
    expect(now).toEqual(then);
    expect(catX.stdout).toBe('x at version 1\n');
    expect(catHard.stdout).toBe('x at version 1\n');
    expect(catBig.bytes.equals(big)).toBe(true);
    expect(entries[0]!.summary).toMatch(/^restore --to 1 \/: /);
    // History is kept: version 5 still has what was removed.
    expect((await ok(P, ['cat', '--at', '5', '/new.txt'])).stdout).toBe('new\n');

    // Hard links are links again: one node, two names.
    const hard = now.filter((e) => e.path === '/a/x.txt' || e.path === '/a/hard.txt');
    expect(hard.map((e) => e.nlink)).toEqual([2, 2]);
    const [ex1, ex2] = [join(tmp.dir, 'e1'), join(tmp.dir, 'e2')];
    await Promise.all([ok(P, ['export', '--at', '1', ex1]), ok(P, ['export', ex2])]);
    execFileSync('diff', ['-r', '--no-dereference', ex1, ex2]);

    // Restoring what is already there writes nothing.
    const r3 = await ok(P, ['restore', '--to', '8']);
    expect(r3.stdout).toMatch(/nothing to do/);
    expect((await log(P)).length).toBe(9);
    const bad = await pond(P, ['restore', '--to', '42']);
    expect(bad.code).toBe(1);
    expect((await pond(P, ['restore', '/a'])).code).toBe(2); // --to is required
  });
});

describe('pond check', { timeout: SLOW }, () => {
  it('passes on a sound pond and names the path and version of each damage', async () => {
    const clean = await ok(P, ['check']);
    expect(clean.stdout).toMatch(/no problems found/);

    // A corrupt chunk of the big file.
    const show1 = JSON.parse((await ok(P, ['show', '--json', '1'])).stdout) as { records: Array<{ chunks: Array<{ sha256: string }> | null; kind: string }> };
    const chunk = show1.records.find((r) => r.chunks && r.chunks.length > 0)!.chunks![0]!.sha256;
    const chunkFile = join(P, 'content', chunk.slice(0, 2), chunk);
    const bytes = readFileSync(chunkFile);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(chunkFile, bytes);

    // A data file of version 2 (the write of /a/x.txt) deleted.
    const show2 = JSON.parse((await ok(P, ['show', '--json', '2'])).stdout) as { files: Array<{ path: string }> };
    expect(show2.files.length).toBe(1);
    rmSync(join(P, 'oplog', show2.files[0]!.path));

    const [r, rj, cat] = await Promise.all([pond(P, ['check']), pond(P, ['check', '--json']), pond(P, ['cat', '/a/big.bin'])]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\/a\/big\.bin \(version \d+\): chunk [0-9a-f]{64} is damaged$/m);
    expect(r.stdout).toMatch(/^\/moved\.bin \(version 4\): chunk [0-9a-f]{64} is damaged$/m);
    expect(r.stdout).toMatch(/^\/a \(version 2\): data file part_id=[0-9a-f]+\/part-.*\.parquet is missing$/m);
    expect(r.stdout).toMatch(/problems found/);
    expect(rj.code).toBe(1);
    const report = JSON.parse(rj.stdout) as { damage: Array<{ path: string; version: number; what: string }> };
    expect(report.damage.some((d) => d.path === '/a' && d.version === 2)).toBe(true);
    expect(cat.code).toBe(1);
    expect(cat.stderr).toMatch(/\(EIO\)\n$/); // damage is an error, never wrong bytes
    expect(readdirSync(join(P, 'oplog')).length).toBeGreaterThan(0);
  });
});
