import { describe, expect, it } from 'vitest';
import { Pond } from '../../src/tinylogfs/index.js';
import { tempDirs } from './tempDirs.js';

// Dirty bytes count against the cache budget: past an eighth of it pressure() starts a
// flush that writes go on beside, and hands the writer that flush to wait for once the
// next eighth fills; clean content is evicted to make room.

const me = { uid: 1000, gid: 1000 };
const tmp = tempDirs('pond-press-');

describe('Pond.pressure', () => {
  it('asks for a flush past an eighth of the cache and trims clean content', async () => {
    const dir = tmp();
    const pond = await Pond.create(dir, { cacheSize: 1024 * 1024 });
    pond.cache.set('a'.repeat(64), new Uint8Array(900 * 1024));
    const f = await pond.fs.create('/f', 0o644, me);
    await pond.fs.write(f, 0, new Uint8Array(100 * 1024));
    expect(pond.pressure()).toBeUndefined();
    expect(pond.cache.bytes).toBeLessThanOrEqual(1024 * 1024 - 100 * 1024);
    await pond.fs.write(f, 100 * 1024, new Uint8Array(50 * 1024));
    // A flush starts, and this writer goes on.
    expect(pond.pressure()).toBeUndefined();
    expect(pond.fs.pendingBytes).toBe(0);
    // Another eighth while that flush runs: now the writer waits for it.
    await pond.fs.write(f, 150 * 1024, new Uint8Array(150 * 1024));
    const p = pond.pressure();
    expect(p).toBeDefined();
    expect((await p)?.version).toBe(1);
    expect(pond.fs.pendingBytes).toBe(150 * 1024);
    await pond.close();
    expect(pond.version).toBe(2);
  });
});
