// Create, commit many versions, reopen, time travel, checkpoint at the interval; reopening
// reads the newest checkpoint plus the commits after it and nothing else.

import { readFileSync, rmSync } from 'node:fs';
import * as nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeltaTable, type Action } from '../../../src/oplog/delta/index.js';
import { LocalStorage, MemoryStorage } from '../../../src/oplog/storage/index.js';
import { CountingStorage, PROTOCOL_12, PROTOCOL_ICT, add, metadata, remove, tempDir } from './helpers.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const pad = (v: number) => String(v).padStart(20, '0');

/** Version v adds file v and removes file v-3, so the live set is a sliding window. */
function actionsFor(v: number): Action[] {
  const out: Action[] = [add(`f${v}`, `p${v % 4}`)];
  if (v >= 3) out.push(remove(`f${v - 3}`, `p${(v - 3) % 4}`));
  return out;
}
const liveAt = (v: number) => Array.from({ length: v + 1 }, (_, i) => i).filter((i) => i > v - 3).map((i) => `part_id=p${i % 4}/f${i}.parquet`).sort();

describe('DeltaTable round trip', () => {
  it('commits, reopens from checkpoint + tail, and travels in time', async () => {
    const root = tempDir();
    dirs.push(root);
    const t0 = 1_700_000_000_000;
    const table = await DeltaTable.create(new LocalStorage(root), {
      metadata: metadata({ ict: true }), protocol: PROTOCOL_ICT, actions: actionsFor(0), timestamp: t0, checkpointInterval: 10,
    });
    expect(table.snapshot.version).toBe(0);
    expect(table.snapshot.timestamp).toBe(t0);
    for (let v = 1; v <= 35; v++) {
      // Every fifth commit claims an older clock: ICT must still increase strictly.
      const ts = v % 5 === 0 ? t0 : t0 + v * 1000;
      const snap = await table.commit(actionsFor(v), { timestamp: ts, commitInfo: { operation: 'WRITE', n: v } });
      expect(snap.version).toBe(v);
      expect(snap.files.map((f) => f.path).sort()).toEqual(liveAt(v));
    }
    const log = nodePath.join(root, '_delta_log');
    for (const v of [10, 20, 30]) expect(() => readFileSync(`${log}/${pad(v)}.checkpoint.parquet`)).not.toThrow();
    expect(JSON.parse(readFileSync(`${log}/_last_checkpoint`, 'utf8'))).toMatchObject({ version: 30, numOfAddFiles: 3 });

    // ICT are strictly increasing and commitInfo is the first action of every commit.
    const infos = await table.commitInfos();
    expect(infos.map((i) => i.version)).toEqual(Array.from({ length: 36 }, (_, i) => i));
    for (let i = 1; i < infos.length; i++) expect(infos[i]!.timestamp).toBeGreaterThan(infos[i - 1]!.timestamp);
    for (const v of [0, 17, 35]) {
      const first = JSON.parse(readFileSync(`${log}/${pad(v)}.json`, 'utf8').split('\n')[0]!);
      expect(first.commitInfo.inCommitTimestamp).toBe(infos[v]!.timestamp);
    }
    expect(infos[17]!.commitInfo).toMatchObject({ operation: 'WRITE', n: 17 });

    // Reopen: no listing; _last_checkpoint, the checkpoint at 30, commits 31..35 and the
    // probes that find nothing after 35 (one window of 8 names from 31); nothing else.
    const counting = new CountingStorage(new LocalStorage(root));
    const reopened = await DeltaTable.open(counting);
    expect(reopened.snapshot.version).toBe(35);
    expect(reopened.snapshot.timestamp).toBe(infos[35]!.timestamp);
    expect(reopened.snapshot.files.map((f) => f.path).sort()).toEqual(liveAt(35));
    expect(counting.reads.sort()).toEqual([...[31, 32, 33, 34, 35, 36, 37, 38].map((v) => `_delta_log/${pad(v)}.json`), `_delta_log/${pad(30)}.checkpoint.parquet`, '_delta_log/_last_checkpoint'].sort());
    expect(counting.lists).toEqual([]);

    // Time travel by version and by time.
    for (const v of [0, 5, 10, 29, 30, 34]) {
      const s = await reopened.snapshotAt(v);
      expect(s.files.map((f) => f.path).sort()).toEqual(liveAt(v));
      expect(s.timestamp).toBe(infos[v]!.timestamp);
      expect((await reopened.snapshotAtTime(infos[v]!.timestamp)).version).toBe(v);
      expect((await reopened.snapshotAtTime(infos[v]!.timestamp + 0.5)).version).toBe(v);
    }
    await expect(reopened.snapshotAt(36)).rejects.toMatchObject({ code: 'ENOVERSION' });
    await expect(reopened.snapshotAt(-1)).rejects.toMatchObject({ code: 'ENOVERSION' });
    await expect(reopened.snapshotAtTime(t0 - 1)).rejects.toMatchObject({ code: 'ENOVERSION' });
    expect((await reopened.snapshotAtTime(Date.now() + 1e9, { allowAfterLatest: true })).version).toBe(35);
    expect(await reopened.versions()).toEqual({ earliest: 0, latest: 35 });

    // After a log cleanup (commits before the checkpoint gone), older versions are ENOVERSION.
    for (let v = 0; v < 20; v++) rmSync(`${log}/${pad(v)}.json`);
    for (const v of [10]) rmSync(`${log}/${pad(v)}.checkpoint.parquet`);
    const cleaned = await DeltaTable.open(new LocalStorage(root));
    expect(await cleaned.versions()).toEqual({ earliest: 20, latest: 35 });
    await expect(cleaned.snapshotAt(15)).rejects.toMatchObject({ code: 'ENOVERSION' });
    expect((await cleaned.snapshotAt(25)).files.map((f) => f.path).sort()).toEqual(liveAt(25));
  });

  it('refresh picks up commits of another handle; stale handles get ECONFLICT', async () => {
    const storage = new MemoryStorage();
    const a = await DeltaTable.create(storage, { metadata: metadata(), protocol: PROTOCOL_12, actions: actionsFor(0) });
    const b = await DeltaTable.open(storage);
    await a.commit(actionsFor(1));
    await a.commit(actionsFor(2));
    const err = await b.commit(actionsFor(1)).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'ECONFLICT' });
    expect((err as Error).message).toContain('version 1');
    const s = await b.refresh();
    expect(s.version).toBe(2);
    expect(s.files.map((f) => f.path).sort()).toEqual(liveAt(2));
    await expect(b.commit(actionsFor(3), { expectedVersion: 5 })).rejects.toMatchObject({ code: 'ECONFLICT' });
    expect((await b.commit(actionsFor(3), { expectedVersion: 3 })).version).toBe(3);
  });

  it('create refuses an existing table (EEXIST) and open refuses an empty location (ENOENT)', async () => {
    const storage = new MemoryStorage();
    await expect(DeltaTable.open(storage)).rejects.toMatchObject({ code: 'ENOENT' });
    await DeltaTable.create(storage, { metadata: metadata(), protocol: PROTOCOL_12 });
    await expect(DeltaTable.create(storage, { metadata: metadata(), protocol: PROTOCOL_12 })).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('the table property delta.checkpointInterval sets the default interval', async () => {
    const storage = new MemoryStorage();
    const t = await DeltaTable.create(storage, { metadata: metadata({ configuration: { 'delta.checkpointInterval': '3' } }), protocol: PROTOCOL_12 });
    for (let v = 1; v <= 7; v++) await t.commit(actionsFor(v));
    const names = await storage.names('_delta_log');
    expect(names.filter((n) => n.endsWith('.checkpoint.parquet'))).toEqual([`${pad(3)}.checkpoint.parquet`, `${pad(6)}.checkpoint.parquet`]);
  });

  it('urgent commits leave a due checkpoint to the next unhurried commit, at most a few intervals late', async () => {
    const storage = new MemoryStorage();
    const t = await DeltaTable.create(storage, { metadata: metadata(), protocol: PROTOCOL_12, checkpointInterval: 3 });
    const checkpoints = async (): Promise<string[]> => (await storage.names('_delta_log')).filter((n) => n.endsWith('.checkpoint.parquet'));
    for (let v = 1; v <= 4; v++) await t.commit(actionsFor(v), { urgent: true });
    expect(await checkpoints()).toEqual([]);
    expect(t.checkpointDue).toBe(true);
    await t.commit(actionsFor(5));
    expect(await checkpoints()).toEqual([`${pad(5)}.checkpoint.parquet`]);
    expect(t.checkpointDue).toBe(false);
    // Due at 6; urgent commits write it once it is (4 - 1) intervals late: at 15.
    for (let v = 6; v <= 14; v++) await t.commit(actionsFor(v), { urgent: true });
    expect(await checkpoints()).toHaveLength(1);
    await t.commit(actionsFor(15), { urgent: true });
    expect(await checkpoints()).toEqual([`${pad(5)}.checkpoint.parquet`, `${pad(15)}.checkpoint.parquet`]);
    for (let v = 16; v <= 18; v++) await t.commit(actionsFor(v), { urgent: true });
    await t.checkpointIfDue();
    expect((await checkpoints()).at(-1)).toBe(`${pad(18)}.checkpoint.parquet`);
    const again = await DeltaTable.open(storage);
    expect(again.snapshot.version).toBe(18);
    expect(again.snapshot.files.map((f) => f.path).sort()).toEqual(liveAt(18));
  });

  it('a failed checkpoint write does not fail the commit', async () => {
    const storage = new MemoryStorage();
    const t = await DeltaTable.create(storage, { metadata: metadata(), protocol: PROTOCOL_12, checkpointInterval: 2 });
    const put = storage.put.bind(storage);
    storage.put = async () => { throw new Error('disk full'); };
    expect((await t.commit(actionsFor(1))).version).toBe(1);
    expect((await t.commit(actionsFor(2))).version).toBe(2);
    expect(t.lastCheckpointError).toBeDefined();
    storage.put = put;
    expect((await DeltaTable.open(storage)).snapshot.version).toBe(2);
  });

  it('refuses to write a table needing writer features pond lacks', async () => {
    await expect(DeltaTable.create(new MemoryStorage(), {
      metadata: metadata(), protocol: { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['changeDataFeed'] },
    })).rejects.toMatchObject({ code: 'EUNSUPPORTED' });
  });
});

describe('checkpoint contents', () => {
  it('round-trips protocol, metaData, txn, domainMetadata, adds and tombstones', async () => {
    const storage = new MemoryStorage();
    const md = metadata({ ict: true, configuration: { 'pond.x': 'y' } });
    const t = await DeltaTable.create(storage, { metadata: { ...md, name: 'pond', description: null }, protocol: PROTOCOL_ICT, actions: [add('a'), add('b', 'q')] });
    await t.commit([
      remove('a'), { txn: { appId: 'pond-cli', version: 42, lastUpdated: 1_700_000_000_123 } },
      { domainMetadata: { domain: 'pond.lock', configuration: '{"pid":1}', removed: false } },
      { add: { ...add('n').add, path: 'part_id=__HIVE_DEFAULT_PARTITION__/n.parquet', partitionValues: { part_id: null }, tags: { k: 'v' } } },
    ]);
    await t.checkpoint();
    const names = await storage.names('_delta_log');
    for (const n of names) if (n.endsWith('.json')) await storage.delete(`_delta_log/${n}`);
    const r = (await DeltaTable.open(storage)).snapshot;
    const s = t.snapshot;
    expect(r.version).toBe(1);
    expect(r.protocol).toEqual(PROTOCOL_ICT);
    expect(r.metadata).toEqual({ ...s.metadata });
    expect(r.files.map((f) => ({ ...f })).sort((x, y) => x.path.localeCompare(y.path)))
      .toEqual(s.files.map((f) => ({ tags: null, ...f })).sort((x, y) => x.path.localeCompare(y.path)));
    expect(r.txns.get('pond-cli')).toEqual({ appId: 'pond-cli', version: 42, lastUpdated: 1_700_000_000_123 });
    expect(r.domainMetadata.get('pond.lock')?.configuration).toBe('{"pid":1}');
    // Checkpoint tombstones are not decoded on open, only when the next checkpoint needs them.
    expect(r.state.tombstones.size).toBe(0);
    expect((await r.state.baseTombstones!()).map((x) => x.path)).toEqual(['part_id=0000000000000000/a.parquet']);
    const reopened = await DeltaTable.open(storage);
    await reopened.commit([remove('b', 'q')]);
    await reopened.checkpoint();
    for (const n of await storage.names('_delta_log')) if (n.startsWith('00000000000000000001.')) await storage.delete(`_delta_log/${n}`);
    const again = (await DeltaTable.open(storage)).snapshot;
    expect(again.version).toBe(2);
    expect((await again.state.baseTombstones!()).map((x) => x.path).sort()).toEqual(['part_id=0000000000000000/a.parquet', 'part_id=q/b.parquet']);
  });
});
