import { mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import zstd from 'zstd-napi';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHUNK_MAX, ContentStore, sha256Hex } from '../../../src/oplog/content/index.js';
import { LocalStorage, MemoryStorage } from '../../../src/oplog/storage/index.js';
import { isPondError } from '../../../src/errors.js';
import { tempDirs } from '../../tinylogfs/tempDirs.js';

const tmp = tempDirs('pond-cs-');

async function expectCode(p: Promise<unknown>, code: 'EIO' | 'ENOENT'): Promise<void> {
  try { await p; expect.fail('no error'); } catch (err) { expect(isPondError(err, code)).toBe(true); }
}

describe('ContentStore', () => {
  it('stores, dedups and reads back (local)', async () => {
    const dir = tmp();
    const store = new ContentStore(new LocalStorage(dir));
    const chunk = Buffer.from('hello '.repeat(10000));
    const ref = await store.put(chunk);
    expect(ref).toEqual({ sha256: sha256Hex(chunk), size: chunk.length });
    expect(readdirSync(join(dir, ref.sha256.slice(0, 2)))).toContain(ref.sha256);
    const onDisk = readFileSync(join(dir, ref.sha256.slice(0, 2), ref.sha256));
    expect(onDisk[0]).toBe(1); // zstd
    expect(onDisk.length).toBeLessThan(chunk.length / 10);
    expect(await store.put(chunk)).toEqual(ref);
    // concurrent identical puts are all successes
    const refs = await Promise.all(Array.from({ length: 8 }, () => store.put(Buffer.from('x'.repeat(999)))));
    expect(new Set(refs.map((r) => r.sha256)).size).toBe(1);
    expect(Buffer.from(await store.get(ref)).equals(chunk)).toBe(true);
    expect(await store.has(ref.sha256)).toBe(true);
    expect(await store.has('0'.repeat(64))).toBe(false);
  });

  it('stores incompressible chunks raw', async () => {
    const mem = new MemoryStorage();
    const store = new ContentStore(mem);
    const chunk = randomBytes(50000);
    const ref = await store.put(chunk);
    const file = await mem.read(ContentStore.pathOf(ref.sha256));
    expect(file[0]).toBe(0);
    expect(Buffer.from(await store.get(ref)).equals(chunk)).toBe(true);
  });

  it('detects a flipped byte as EIO', async () => {
    const dir = tmp();
    const store = new ContentStore(new LocalStorage(dir));
    for (const chunk of [randomBytes(30000), Buffer.from('abc'.repeat(20000))]) {
      const ref = await store.put(chunk);
      const p = join(dir, ref.sha256.slice(0, 2), ref.sha256);
      const bytes = readFileSync(p);
      bytes[bytes.length >> 1] ^= 0x01;
      writeFileSync(p, bytes);
      await expectCode(store.get(ref), 'EIO');
      try { await store.get(ref); } catch (err) { expect(String((err as Error).message)).toContain(ref.sha256); }
    }
  });

  it('reads a chunk file longer than its size + 1 whole (a zstd frame larger than the raw bytes), and EIO for trailing bytes', async () => {
    const dir = tmp();
    const store = new ContentStore(new LocalStorage(dir));
    const chunk = randomBytes(1000);
    const frame = zstd.compress(chunk, { compressionLevel: 1 });
    expect(frame.length + 1).toBeGreaterThan(chunk.length + 1);
    const ref = { sha256: sha256Hex(chunk), size: chunk.length };
    const p = join(dir, ContentStore.pathOf(ref.sha256));
    mkdirSync(join(dir, ref.sha256.slice(0, 2)), { recursive: true });
    writeFileSync(p, Buffer.concat([Buffer.of(1), frame]));
    expect(Buffer.from(await store.get(ref)).equals(chunk)).toBe(true);
    // A raw file with a byte too many: read whole, then refused.
    writeFileSync(p, Buffer.concat([Buffer.of(0), chunk, Buffer.of(7)]));
    await expectCode(store.get(ref), 'EIO');
    // A raw file of exactly its size + 1 bytes reads back.
    writeFileSync(p, Buffer.concat([Buffer.of(0), chunk]));
    expect(Buffer.from(await store.get(ref)).equals(chunk)).toBe(true);
  });

  it('reads a chunk whose ref has a nonsense size as EIO, without a buffer of that size', async () => {
    const dir = tmp();
    const store = new ContentStore(new LocalStorage(dir));
    const ref = await store.put(randomBytes(1000));
    for (const size of [-5, 1.5, 2 ** 40, Number.NaN]) await expectCode(store.get({ ...ref, size }), 'EIO');
  });

  it('reads chunks cut with the sizes of older ponds (16/64/256 KiB) as well as with today\'s', async () => {
    const dir = tmp();
    const store = new ContentStore(new LocalStorage(dir));
    for (const [opts, max] of [[{ min: 16384, avg: 65536, max: 262144 }, 262144], [{}, CHUNK_MAX]] as const) {
      for (const zeros of [true, false]) {
        const data = zeros ? new Uint8Array(3 << 20) : randomBytes(3 << 20);
        const stored = await store.chunkAndStore(data, opts);
        // Zeros are cut at the maximum: the largest chunk such a pond holds.
        if (zeros) expect(stored.chunks[0]!.size).toBe(max);
        const back = Buffer.concat(await Promise.all(stored.chunks.map((c) => store.get(c))));
        expect(back.equals(data)).toBe(true);
      }
    }
  });

  it('reports a missing chunk as EIO naming it', async () => {
    const store = new ContentStore(new MemoryStorage());
    const sha = 'ab'.repeat(32);
    await expectCode(store.get({ sha256: sha, size: 1 }), 'EIO');
  });

  it('putAll keeps order; chunkAndStore hashes the whole content', async () => {
    const store = new ContentStore(new MemoryStorage(), 3);
    const chunks = Array.from({ length: 20 }, (_, i) => Buffer.from(`chunk ${i}`));
    const refs = await store.putAll(chunks);
    expect(refs.map((r) => r.sha256)).toEqual(chunks.map((c) => sha256Hex(c)));
    const data = randomBytes(3 << 20);
    const stored = await store.chunkAndStore(data);
    expect(stored.sha256).toBe(sha256Hex(data));
    expect(stored.size).toBe(data.length);
    expect(stored.chunks.length).toBeGreaterThan(5);
    const back = Buffer.concat(await Promise.all(stored.chunks.map((c) => store.get(c))));
    expect(back.equals(data)).toBe(true);
    async function* pieces(): AsyncIterable<Uint8Array> { for (let o = 0; o < data.length; o += 77777) yield data.subarray(o, o + 77777); }
    expect(await store.chunkAndStore(pieces())).toEqual(stored);
  });
});
