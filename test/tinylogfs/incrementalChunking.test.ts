import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ContentStore } from '../../src/oplog/index.js';
import { MemoryStorage } from '../../src/oplog/storage/index.js';
import type { FileNode } from '../../src/tinyfs/index.js';
import { Pond } from '../../src/tinylogfs/index.js';
import { ChunkedContent, committedOf } from '../../src/tinylogfs/sources.js';
import { tempDirs } from './tempDirs.js';

// A flush re-chunks a large file only from the last cut before its first changed byte
// (and resumes the SHA-256 of a file that only grew): the result must be exactly what
// chunking the whole content from byte 0 gives.

const me = { uid: 1000, gid: 1000 };
const tmp = tempDirs('pond-inc-');

async function full(bytes: Uint8Array): Promise<{ sha256: string; chunks: string[] }> {
  const r = await new ContentStore(new MemoryStorage()).chunkAndStore(bytes);
  return { sha256: r.sha256, chunks: r.chunks.map((c) => c.sha256) };
}

function committed(f: FileNode): { sha256: string; chunks: string[] } {
  const c = committedOf(f.content);
  if (!(c instanceof ChunkedContent)) throw new Error('not chunked');
  return { sha256: c.sha256, chunks: c.chunks.map((x) => x.sha256) };
}

/** Flushes, checks the chunks, closes, and reads the file back from a fresh open. */
async function lastFlushAndReadBack(pond: Pond, f: FileNode, dir: string, model: Buffer): Promise<void> {
  await pond.flush();
  expect(committed(f)).toEqual(await full(model));
  await pond.close();
  const again = await Pond.open(dir, { readOnly: true });
  const g = (await again.fs.resolve('/f')) as FileNode;
  expect(Buffer.from(await again.fs.read(g, 0, g.size)).equals(model)).toBe(true);
  await again.close();
}

describe('incremental chunking at flush', () => {
  it('appends, mid-file changes and truncations give the same chunks as a full pass', async () => {
    const dir = tmp();
    const pond = await Pond.create(dir);
    const f = await pond.fs.create('/f', 0o644, me);
    let model = Buffer.from(randomBytes(3 * 1024 * 1024));
    await pond.fs.write(f, 0, model);
    await pond.flush();
    expect(committed(f)).toEqual(await full(model));

    const more = randomBytes(1024 * 1024 + 123);
    await pond.fs.write(f, model.length, more);
    model = Buffer.concat([model, more]);
    const r = await pond.flush();
    expect(committed(f)).toEqual(await full(model));
    expect(r!.counts.bytes).toBeLessThan(more.length + 600 * 1024);

    model[2_000_000] ^= 0xff;
    await pond.fs.write(f, 2_000_000, model.subarray(2_000_000, 2_000_001));
    await pond.flush();
    expect(committed(f)).toEqual(await full(model));

    await pond.fs.truncate(f, 3_500_000);
    model = model.subarray(0, 3_500_000);
    await lastFlushAndReadBack(pond, f, dir, model);
  });

  it('gives the same chunks and hash when the chunk worker does the work (megabytes to chunk)', async () => {
    const dir = tmp();
    const pond = await Pond.create(dir);
    const f = await pond.fs.create('/f', 0o644, me);
    let model = Buffer.from(randomBytes(9 * 1024 * 1024 + 17));
    // Written in FUSE-sized pieces, as through the mount.
    for (let pos = 0; pos < model.length; pos += 128 * 1024) await pond.fs.write(f, pos, model.subarray(pos, pos + 128 * 1024));
    await pond.flush();
    expect(committed(f)).toEqual(await full(model));

    const more = randomBytes(5 * 1024 * 1024);
    await pond.fs.write(f, model.length, more);
    model = Buffer.concat([model, more]);
    model[1_000_000] ^= 0xff;
    await pond.fs.write(f, 1_000_000, model.subarray(1_000_000, 1_000_001));
    await lastFlushAndReadBack(pond, f, dir, model);
  });
});
