import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkWriter, ContentStore, chunkBytes, sha256Hex } from '../../../src/oplog/content/index.js';
import { openStreams, RING_BYTES } from '../../../src/oplog/content/ChunkPool.js';
import { chunkAndStore } from '../../../src/oplog/content/chunkAndStore.js';
import { LocalStorage, MemoryStorage } from '../../../src/oplog/storage/index.js';
import { tempDirs } from '../../tinylogfs/tempDirs.js';

// The chunk worker (offThread) must give exactly the chunks and refs of the in-thread
// path, store them the same way, and keep staged chunks invisible until publish().

const tmp = tempDirs('pond-cw-');

/** Text-like bytes with repeats (some chunks compress, some repeat) and random runs. */
function sample(): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 12; i++) {
    parts.push(i % 3 === 0 ? Buffer.from(`line ${i} `.repeat(20000)) : randomBytes(300_000 + i * 1000));
  }
  return Buffer.concat(parts);
}

async function write(store: ContentStore, data: Uint8Array, offThread: boolean, staged: boolean, piece = 100_000): Promise<ReturnType<ChunkWriter['finish']>> {
  const w = new ChunkWriter(store, { offThread, staged });
  for (let pos = 0; pos < data.length; pos += piece) await w.push(data.subarray(pos, pos + piece));
  return w.finish();
}

describe('ChunkWriter offThread', () => {
  it('gives the in-thread chunks and refs, in order (memory store)', async () => {
    const data = sample();
    const expected = chunkBytes(data).map((c) => ({ sha256: sha256Hex(c), size: c.length }));
    const store = new ContentStore(new MemoryStorage());
    expect(await write(store, data, true, false)).toEqual(expected);
    expect(await write(new ContentStore(new MemoryStorage()), data, true, true)).toEqual(expected);
    for (const ref of expected) expect((await store.get(ref)).length).toBe(ref.size);
  });

  it('writes staged chunk files that only get their names at publish (local store)', async () => {
    const dir = tmp();
    const store = new ContentStore(new LocalStorage(dir));
    const data = sample();
    const refs = await write(store, data, true, true, 1 << 20);
    expect(refs).toEqual(chunkBytes(data).map((c) => ({ sha256: sha256Hex(c), size: c.length })));
    const named = (): boolean[] => refs.map((r) => existsSync(join(dir, ContentStore.pathOf(r.sha256))));
    expect(named().some(Boolean)).toBe(false);
    // Staged chunks read back before they are published.
    expect(Buffer.from(await store.get(refs[1]!)).equals(Buffer.from(data.subarray(refs[0]!.size, refs[0]!.size + refs[1]!.size)))).toBe(true);
    await store.publish();
    expect(named().every(Boolean)).toBe(true);
    expect(readdirSync(join(dir, '.tmp'))).toEqual([]);
    // A second pass finds every chunk stored: nothing is staged again.
    await write(store, data, true, true, 1 << 20);
    expect(readdirSync(join(dir, '.tmp'))).toEqual([]);
    const back = Buffer.concat(await Promise.all(refs.map((r) => store.get(r))));
    expect(back.equals(Buffer.from(data))).toBe(true);
  });

  it('streams more than the ring holds, in pieces that wrap it, twice over one ring (local store)', async () => {
    const dir = tmp();
    const store = new ContentStore(new LocalStorage(dir));
    // Random, so no chunk is found stored already and every one is written from the ring.
    const data = Buffer.concat([randomBytes(RING_BYTES), sample(), randomBytes(RING_BYTES)]);
    const expected = chunkBytes(data).map((c) => ({ sha256: sha256Hex(c), size: c.length }));
    for (const piece of [777_777, 1 << 20]) {
      const w = new ChunkWriter(store, { offThread: true, staged: true });
      for (let pos = 0; pos < data.length; pos += piece) {
        const length = Math.min(piece, data.length - pos);
        await w.pushInto(length, (into, at) => { into.set(data.subarray(pos + at, pos + at + into.length)); });
      }
      expect(await w.finish()).toEqual(expected);
    }
    await store.publish();
    const back = Buffer.concat(await Promise.all(expected.map((r) => store.get(r))));
    expect(back.equals(data)).toBe(true);
  });

  it('drops the worker stream when the source fails (the process is not kept alive)', async () => {
    const store = new ContentStore(new MemoryStorage());
    async function* failing(): AsyncIterable<Uint8Array> {
      yield randomBytes(3 << 20);
      throw new Error('source broke');
    }
    await expect(chunkAndStore(store, failing(), { offThread: true })).rejects.toThrow(/source broke/);
    expect(openStreams()).toBe(0);
    // The worker still serves the next stream.
    const data = sample();
    expect(await write(store, data, true, false)).toEqual(chunkBytes(data).map((c) => ({ sha256: sha256Hex(c), size: c.length })));
    expect(openStreams()).toBe(0);
  });

  it('chunks with a maximum the ring cannot hold beside a piece (in thread: no wait for room that never comes)', async () => {
    const store = new ContentStore(new MemoryStorage());
    const opts = { min: 1 << 20, avg: 4 << 20, max: RING_BYTES + 1 };
    // Zeros: no content cut, so every chunk runs to the maximum.
    const data = new Uint8Array(2 * RING_BYTES + 12345);
    const expected = chunkBytes(data, opts).map((c) => ({ sha256: sha256Hex(c), size: c.length }));
    const w = new ChunkWriter(store, { ...opts, offThread: true });
    await w.push(data);
    expect(await w.finish()).toEqual(expected);
  }, 20_000);

  it('rejects bad chunk sizes before any worker is involved', () => {
    expect(() => new ChunkWriter(new ContentStore(new MemoryStorage()), { offThread: true, avg: 1000 })).toThrow(/bad chunk sizes/);
  });
});
