// Opening costs the tail, not the history: with a usable _last_checkpoint, open and refresh
// read the hint, that checkpoint and the commits after it (plus one window of probes that
// find nothing) and never list _delta_log. A wrong hint falls back to the listing.

import { describe, expect, it } from 'vitest';
import { DeltaTable, type Action } from '../../../src/oplog/delta/index.js';
import { MemoryStorage } from '../../../src/oplog/storage/index.js';
import { CountingStorage, PROTOCOL_12, PROTOCOL_ICT, add, metadata, remove } from './helpers.js';

const pad = (v: number) => String(v).padStart(20, '0');
const commit = (v: number) => `_delta_log/${pad(v)}.json`;
const WINDOW = 8;

/** Version v adds f<v> and removes f<v-2>: two live files at any time. */
const actionsFor = (v: number): Action[] => (v >= 2 ? [add(`f${v}`), remove(`f${v - 2}`)] : [add(`f${v}`)]);

async function build(commits: number, interval: number, ict = true): Promise<MemoryStorage> {
  const storage = new MemoryStorage();
  const t = await DeltaTable.create(storage, { metadata: metadata({ ict }), protocol: ict ? PROTOCOL_ICT : PROTOCOL_12, actions: actionsFor(0), checkpointInterval: interval, timestamp: 1_700_000_000_000 });
  for (let v = 1; v < commits; v++) await t.commit(actionsFor(v));
  return storage;
}

const live = (v: number) => [`part_id=0000000000000000/f${v - 1}.parquet`, `part_id=0000000000000000/f${v}.parquet`];

async function openCounting(storage: MemoryStorage): Promise<{ table: DeltaTable; c: CountingStorage }> {
  const c = new CountingStorage(storage);
  return { table: await DeltaTable.open(c), c };
}

describe('open cost', () => {
  it('reads the hint, its checkpoint and the tail; never lists; the same count for 30 and 500 commits', async () => {
    for (const n of [30, 500]) {
      // Checkpoint every 10: the latest at n - 10, a tail of 9 commits.
      const { table, c } = await openCounting(await build(n, 10));
      const latest = n - 1;
      const cp = n - 10;
      expect(table.snapshot.version).toBe(latest);
      expect(table.snapshot.files.map((f) => f.path).sort()).toEqual(live(latest));
      expect(c.lists).toEqual([]);
      expect(c.stats).toEqual([]);
      const probes = Array.from({ length: 2 * WINDOW }, (_, i) => commit(cp + 1 + i));
      expect(c.reads.sort()).toEqual([...probes, `_delta_log/${pad(cp)}.checkpoint.parquet`, '_delta_log/_last_checkpoint'].sort());
    }
  });

  it('without ICT the commit time costs one stat, still no listing', async () => {
    const { table, c } = await openCounting(await build(25, 10, false));
    expect(table.snapshot.version).toBe(24);
    expect(c.lists).toEqual([]);
    expect(c.stats).toEqual([commit(24)]);
    expect(c.reads.length).toBe(2 + WINDOW);
  });

  it('refresh probes from the current version and sees another writer\'s commits', async () => {
    const storage = await build(25, 10);
    const { table: reader, c } = await openCounting(storage);
    const writer = await DeltaTable.open(storage);
    for (let v = 25; v <= 31; v++) await writer.commit(actionsFor(v));
    c.reads.length = 0;
    const s = await reader.refresh();
    expect(s.version).toBe(31);
    expect(s.files.map((f) => f.path).sort()).toEqual(live(31));
    expect(c.lists).toEqual([]);
    expect(c.reads.sort()).toEqual(Array.from({ length: WINDOW }, (_, i) => commit(25 + i)).sort());
    // Nothing new: one window of probes and the hint.
    c.reads.length = 0;
    expect((await reader.refresh()).version).toBe(31);
    expect(c.lists).toEqual([]);
    expect(c.reads.length).toBe(WINDOW + 1);
  });

  it('a stale hint costs a longer tail, still correct and unlisted', async () => {
    const storage = await build(40, 10);
    await storage.put('_delta_log/_last_checkpoint', new TextEncoder().encode(JSON.stringify({ version: 10, size: 4 })));
    const { table, c } = await openCounting(storage);
    expect(table.snapshot.version).toBe(39);
    expect(table.snapshot.files.map((f) => f.path).sort()).toEqual(live(39));
    expect(c.lists).toEqual([]);
    expect(c.reads).toContain(`_delta_log/${pad(10)}.checkpoint.parquet`);
  });

  it('falls back to the listing: no hint, a hint pointing nowhere, a very long tail, a gap', async () => {
    const storage = await build(300, 10);
    const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    for (const hint of [undefined, { version: 999 }, { version: 10 }]) {
      if (hint) await storage.put('_delta_log/_last_checkpoint', enc(hint));
      else await storage.delete('_delta_log/_last_checkpoint');
      const { table, c } = await openCounting(storage);
      expect(table.snapshot.version, JSON.stringify(hint)).toBe(299);
      expect(table.snapshot.files.map((f) => f.path).sort()).toEqual(live(299));
      expect(c.lists).toEqual(['_delta_log']);
      // The listing finds the newest checkpoint (290) even when the hint named another.
      expect(c.reads).toContain(`_delta_log/${pad(290)}.checkpoint.parquet`);
    }
    // A commit missing inside the tail with later ones present: ECORRUPT naming it.
    await storage.put('_delta_log/_last_checkpoint', enc({ version: 290 }));
    await storage.delete(commit(293));
    await expect(DeltaTable.open(storage)).rejects.toMatchObject({ code: 'ECORRUPT', message: expect.stringContaining(`${pad(293)}.json`) });
  });
});
