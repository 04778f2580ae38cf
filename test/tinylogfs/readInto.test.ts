import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FileNode } from '../../src/tinyfs/index.js';
import { Pond } from '../../src/tinylogfs/index.js';
import { tempDirs } from './tempDirs.js';

// FS.readInto, the FUSE read path: bytes land in the caller's buffer straight from the
// chunks (a committed file) or from pages over them, clamped at the end of the file, and
// a truncated base reads as zeros past the cut even after the file grows again.

const tmp = tempDirs('pond-readinto-');
const me = { uid: 1, gid: 1 };

describe('FS.readInto', () => {
  it('copies committed chunked content at any offset and length, and stops at the end', async () => {
    const dir = tmp();
    const data = randomBytes(3 * 1024 * 1024 + 12_345);
    const w = await Pond.create(dir);
    await w.fs.write(await w.fs.create('/big', 0o644, me), 0, data);
    await w.close();
    const pond = await Pond.open(dir, { readOnly: true });
    const node = (await pond.fs.resolve('/big')) as FileNode;
    for (const [off, len] of [[0, 1 << 20], [1, 1 << 20], [262_143, 700_001], [data.length - 10, 4096], [data.length, 10]] as const) {
      const out = Buffer.alloc(len, 0xee);
      const n = await pond.fs.readInto(node, off, out);
      expect(n).toBe(Math.max(0, Math.min(len, data.length - off)));
      expect(out.subarray(0, n).equals(data.subarray(off, off + n))).toBe(true);
      expect(out.subarray(n).every((b) => b === 0xee)).toBe(true);
    }
    await pond.close();
  });

  it('reads zeros past a truncation of committed content, with and without dirty pages', async () => {
    const dir = tmp();
    const data = randomBytes(2 * 1024 * 1024);
    const pond = await Pond.create(dir);
    const f = await pond.fs.create('/f', 0o644, me);
    await pond.fs.write(f, 0, data);
    await pond.flush();
    await pond.fs.truncate(f, 1000);
    await pond.fs.truncate(f, 300_000); // grows again: bytes 1000.. are zeros
    const out = Buffer.alloc(300_000, 0xee);
    expect(await pond.fs.readInto(f, 0, out)).toBe(300_000);
    expect(out.subarray(0, 1000).equals(data.subarray(0, 1000))).toBe(true);
    expect(out.subarray(1000).every((b) => b === 0)).toBe(true);
    await pond.fs.write(f, 200_000, Buffer.from('x'));
    out.fill(0xee);
    expect(await pond.fs.readInto(f, 0, out)).toBe(300_000);
    expect(out.subarray(0, 1000).equals(data.subarray(0, 1000))).toBe(true);
    expect(out[200_000]).toBe('x'.charCodeAt(0));
    expect(out.subarray(1000, 200_000).every((b) => b === 0)).toBe(true);
    expect(out.subarray(200_001).every((b) => b === 0)).toBe(true);
    await pond.close();
  });
});
