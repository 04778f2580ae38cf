import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pond, check } from '../../src/tinylogfs/index.js';
import { readWhole } from './readWhole.js';
import { tempDirs } from './tempDirs.js';

// Dirty bytes count against the cache budget: past an eighth of it pressure() starts a
// spill (big files' dirty pages become staged chunks, no commit) that writes go on
// beside, and hands the writer that spill to wait for once the next eighth fills; clean
// content is evicted to make room. Only when no file is big enough does it commit.

const me = { uid: 1000, gid: 1000 };
const tmp = tempDirs('pond-press-');

function chunkFiles(dir: string): number {
  const root = join(dir, 'content');
  if (!existsSync(root)) return 0;
  return readdirSync(root).filter((d) => d !== '.tmp').reduce((n, d) => n + readdirSync(join(root, d)).length, 0);
}

describe('Pond.pressure', () => {
  it('spills past an eighth of the cache, makes no version, and trims clean content', async () => {
    const dir = tmp();
    const pond = await Pond.create(dir, { cacheSize: 1024 * 1024 });
    pond.cache.set('a'.repeat(64), new Uint8Array(900 * 1024));
    const data = randomBytes(300 * 1024);
    const f = await pond.fs.create('/f', 0o644, me);
    await pond.fs.write(f, 0, data.subarray(0, 100 * 1024));
    expect(pond.pressure()).toBeUndefined();
    expect(pond.cache.bytes).toBeLessThanOrEqual(1024 * 1024 - 100 * 1024);
    await pond.fs.write(f, 100 * 1024, data.subarray(100 * 1024, 150 * 1024));
    // A spill starts, and this writer goes on.
    expect(pond.pressure()).toBeUndefined();
    expect(pond.fs.pendingBytes).toBe(0);
    // Another eighth while that spill runs: now the writer waits for it.
    await pond.fs.write(f, 150 * 1024, data.subarray(150 * 1024));
    const p = pond.pressure();
    expect(p).toBeDefined();
    expect(await p).toBeUndefined();
    expect(pond.version).toBe(0);
    expect(pond.fs.pendingBytes).toBe(150 * 1024);
    expect(f.content.dirtyBytes).toBeGreaterThanOrEqual(150 * 1024);
    expect((await readWhole(pond.fs, '/f')).equals(data)).toBe(true);
    // A second spill re-chunks from the last cut; what is read back does not change.
    await pond.spill(0);
    expect(f.content.dirtyBytes).toBe(0);
    expect((await readWhole(pond.fs, '/f')).equals(data)).toBe(true);
    // One commit names the staged chunks: one version, and it counts the bytes spilled.
    const c = await pond.flush('fsync');
    expect(c?.version).toBe(1);
    expect(c?.counts.bytes).toBeGreaterThanOrEqual(data.length);
    await pond.close();
    expect(pond.version).toBe(1);
    const again = await Pond.open(dir, { readOnly: true });
    expect((await readWhole(again.fs, '/f')).equals(data)).toBe(true);
    await again.close();
  });

  it('commits when only small files are dirty', async () => {
    const dir = tmp();
    const pond = await Pond.create(dir, { cacheSize: 1024 * 1024 });
    for (let i = 0; i < 20; i++) await pond.fs.write(await pond.fs.create(`/s${i}`, 0o644, me), 0, new Uint8Array(8 * 1024).fill(i));
    const p = pond.pressure() ?? pond.spill();
    expect((await p)?.version).toBe(1);
    const [info] = await pond.oplog.table.commitInfos(1, 1);
    expect(JSON.stringify(info!.commitInfo)).toContain('memory');
    await pond.close();
  });

  it('commits when a spill would free less than half of what is pending (rewrites)', async () => {
    const dir = tmp();
    const pond = await Pond.create(dir, { cacheSize: 1024 * 1024 });
    const f = await pond.fs.create('/f', 0o644, me);
    await pond.fs.write(f, 0, randomBytes(256 * 1024));
    await pond.flush('fsync');
    // The same 64 KiB written again and again: pending grows, the dirty pages do not.
    let waited = 0;
    for (let i = 0; i < 6; i++) {
      await pond.fs.write(f, 0, randomBytes(64 * 1024));
      const p = pond.pressure();
      if (p) { waited++; await p; }
    }
    await pond.close(); // waits for a commit pressure started
    const [, second] = await pond.oplog.table.commitInfos(1, 2);
    // Pressure made a "memory" commit (version 2), not spill after spill; close had nothing left.
    expect(JSON.stringify(second?.commitInfo)).toContain('memory');
    expect(waited).toBeLessThanOrEqual(2);
  });

  it('loses only unsynced writes when the writer dies after a spill', async () => {
    const dir = tmp();
    const pond = await Pond.create(dir, { cacheSize: 1024 * 1024 });
    const f = await pond.fs.create('/f', 0o644, me);
    await pond.fs.write(f, 0, Buffer.from('committed'));
    await pond.flush('fsync');
    await pond.fs.write(f, 0, randomBytes(400 * 1024));
    const before = chunkFiles(dir);
    await pond.spill(0);
    // Spilled chunks are published at once (their data reaches the disk before the commit).
    expect(readdirSync(join(dir, 'content', '.tmp'))).toEqual([]);
    expect(chunkFiles(dir)).toBeGreaterThan(before);
    // Dies without a commit: the lock is a dead writer's, the chunks named by no version.
    await (pond as unknown as { lock: { release(): Promise<void> } }).lock.release();
    const again = await Pond.open(dir);
    expect((await readWhole(again.fs, '/f')).toString()).toBe('committed');
    expect((await check(again.oplog)).damage).toEqual([]);
    await again.close();
  });
});
