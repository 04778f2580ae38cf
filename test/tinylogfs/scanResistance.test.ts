import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FileNode } from '../../src/tinyfs/index.js';
import { Pond } from '../../src/tinylogfs/index.js';
import { tempDirs } from './tempDirs.js';

// A sequential read of a file larger than a quarter of the cache does not fill the cache
// (its chunks are read once); random reads still go through it.

const tmp = tempDirs('pond-scan-');

describe('scan resistance', () => {
  it('streams a large file past the cache and caches random reads', async () => {
    const dir = tmp();
    const data = randomBytes(3 * 1024 * 1024);
    const w = await Pond.create(dir);
    const f = await w.fs.create('/big', 0o644, { uid: 1, gid: 1 });
    await w.fs.write(f, 0, data);
    await w.close();

    const pond = await Pond.open(dir, { readOnly: true, cacheSize: 2 * 1024 * 1024 });
    const node = (await pond.fs.resolve('/big')) as FileNode;
    const parts: Uint8Array[] = [];
    for (let off = 0; off < node.size; off += 100_000) parts.push(await pond.fs.read(node, off, 100_000));
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    expect(pond.cache.bytes).toBe(0);
    const mid = await pond.fs.read(node, 1_234_567, 1000);
    expect(Buffer.from(mid).equals(data.subarray(1_234_567, 1_235_567))).toBe(true);
    expect(pond.cache.bytes).toBeGreaterThan(0);
    await pond.close();
  });
});
