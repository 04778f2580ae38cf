import { describe, expect, it, vi } from 'vitest';
import { Pond } from '../../src/tinylogfs/index.js';
import { tempDirs } from './tempDirs.js';

// Listing a directory reads its own partition, not the partitions of its subdirectories
// (where their own records sit): those load when a subdirectory is used. Before, `ls /a`
// in a pond whose root held 100 directories of 1,000 files read all 100,000 rows.

const me = { uid: 1000, gid: 1000 };
const tmp = tempDirs('pond-lazy-');

describe('lazy directories', () => {
  it('reads one partition to list a directory of directories, and completes a child on use', async () => {
    const dir = tmp();
    const pond = await Pond.create(dir);
    await pond.fs.mkdir('/p', 0o755, me);
    for (let i = 0; i < 20; i++) {
      await pond.fs.mkdir(`/p/d${i}`, 0o700 + (i % 2) * 0o50, me);
      await pond.fs.create(`/p/d${i}/f`, 0o644, me);
    }
    await pond.close();

    const again = await Pond.open(dir, { readOnly: true });
    const spy = vi.spyOn(again.oplog, 'readNewest');
    expect(await again.fs.readdir('/p')).toHaveLength(20);
    // The root's and /p's; opening read none.
    expect(spy.mock.calls.map((c) => c[0])).toHaveLength(2);
    const st = await again.fs.stat('/p/d3');
    expect(st.mode & 0o777).toBe(0o750);
    expect(st.nlink).toBe(2);
    expect(spy).toHaveBeenCalledTimes(3);
    expect(await again.fs.readdir('/p/d3')).toEqual(['f']);
    expect(spy).toHaveBeenCalledTimes(3);
    // A lookup through the parent hands out completed nodes too.
    const p = await again.fs.resolve('/p');
    const d5 = await again.fs.lookup(p as never, 'd5');
    expect(d5!.stat().mode & 0o777).toBe(0o750);
    await again.close();
  });
});
