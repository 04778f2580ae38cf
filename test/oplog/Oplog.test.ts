import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { Oplog, ROOT_ID, MemoryStorage, decodeRecords, sha256Hex, type NewRecord, type OpRecord } from '../../src/oplog/index.js';
import { PondError, isPondError } from '../../src/errors.js';

const DIR_A = '00000000000000aa';

function fileRow(part: string, id: string, over: Partial<NewRecord> = {}): NewRecord {
  return {
    part_id: part, node_id: id, kind: 'file', op: 'create', name: null, child_id: null, child_part: null,
    mode: 0o100644, uid: 1000, gid: 1000, nlink: 1, atime: 1000.5, mtime: 2000.25, ctime: 3000,
    size: 5, sha256: sha256Hex(Buffer.from('hello')), content: Buffer.from('hello'), chunks: null, target: null, xattrs: null,
    ...over,
  };
}

function entryRow(part: string, name: string, child: string, childPart: string, op: NewRecord['op'] = 'create'): NewRecord {
  return { ...fileRow(part, part), name, child_id: child, child_part: childPart, op, kind: 'file', mode: null, uid: null, gid: null,
    nlink: null, atime: null, mtime: null, ctime: null, size: null, sha256: null, content: null };
}

const id = (i: number): string => i.toString(16).padStart(16, '0');

function tmp(): string { return mkdtempSync(join(tmpdir(), 'pond-oplog-')); }

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  try { await p; expect.fail('no error'); } catch (err) { expect((err as { code?: string }).code).toBe(code); }
}

describe('Oplog', () => {
  it('creates a pond with the root row at version 0', async () => {
    const dir = tmp();
    const log = await Oplog.create(dir, { checkpointInterval: 5 });
    expect(log.version).toBe(0);
    const snap = log.snapshot;
    expect(snap.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['inCommitTimestamp'] });
    expect(snap.metadata.configuration['delta.enableInCommitTimestamps']).toBe('true');
    expect(snap.metadata.configuration['delta.checkpointInterval']).toBe('5');
    expect(snap.metadata.partitionColumns).toEqual(['part_id']);
    const rows = await log.readPartition(ROOT_ID);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ node_id: ROOT_ID, part_id: ROOT_ID, version: 0, kind: 'directory', op: 'create', mode: 0o40755, nlink: 2,
      uid: process.getuid!(), gid: process.getgid!(), timestamp: log.timestamp });
    expect(readdirSync(join(dir, 'oplog'))).toContain(`part_id=${ROOT_ID}`);
    await expectCode(Oplog.create(dir), 'EEXIST');
    await expectCode(Oplog.open(join(dir, 'nope')), 'ENOENT');
  });

  it('appends, reopens and reads partitions at versions', async () => {
    const dir = tmp();
    let log = await Oplog.create(dir);
    const r1 = await log.append([
      entryRow(ROOT_ID, 'a', DIR_A, DIR_A),
      { ...fileRow(DIR_A, DIR_A), kind: 'directory', mode: 0o40755, content: null, sha256: null, size: 0 },
      entryRow(DIR_A, 'hello.txt', '0000000000000001', DIR_A),
      fileRow(DIR_A, '0000000000000001'),
    ], { commitInfo: { pond: { summary: 'mkdir a, write hello', counts: { files: 1 } } } });
    expect(r1.version).toBe(1);
    expect(r1.timestamp).toBeGreaterThan(log.snapshot.timestamp - 1);
    const r2 = await log.append([fileRow(DIR_A, '0000000000000001', { op: 'update', content: Buffer.from('world!'), size: 6, sha256: sha256Hex(Buffer.from('world!')) })]);
    expect(r2).toEqual({ version: 2, timestamp: log.timestamp });
    expect(r2.timestamp).toBeGreaterThan(r1.timestamp);
    expect([...log.partitionFiles().keys()].sort()).toEqual([ROOT_ID, DIR_A].sort());
    expect(log.partitionFiles().get(DIR_A)).toHaveLength(2);

    log = await Oplog.open(dir);
    expect(log.version).toBe(2);
    const rows = await log.readPartition(DIR_A);
    expect(rows.map((r) => [r.version, r.node_id, r.name])).toEqual([
      [1, DIR_A, null], [1, DIR_A, 'hello.txt'], [1, '0000000000000001', null], [2, '0000000000000001', null]]);
    expect(rows.every((r) => r.content === null)).toBe(true);
    expect(rows[3]!.timestamp).toBe(r2.timestamp);
    expect(Buffer.from(await log.readContent(rows[3]!.source, rows[3]!.sha256)).toString()).toBe('world!');
    expect(Buffer.from(await log.readContent(rows[2]!.source)).toString()).toBe('hello');
    await expectCode(log.readContent(rows[2]!.source, sha256Hex(Buffer.from('nope'))), 'EIO');
    await expectCode(log.readContent(rows[0]!.source), 'EIO');

    const at1 = await log.readPartition(DIR_A, { snapshot: await log.snapshotAt(1), withContent: true });
    expect(at1).toHaveLength(3);
    expect(Buffer.from(at1[2]!.content!).toString()).toBe('hello');

    const infos = await log.table.commitInfos(1, 1);
    expect(infos[0]!.commitInfo).toMatchObject({ operation: 'WRITE', pond: { summary: 'mkdir a, write hello' } });
    expect(infos[0]!.timestamp).toBe(r1.timestamp);
  });

  it('keeps timestamps strictly increasing with a stuck clock', async () => {
    const log = await Oplog.fromStorage(new MemoryStorage(), new MemoryStorage(), { create: true, now: () => 5000 });
    const a = await log.append([fileRow(DIR_A, '0000000000000001')]);
    const b = await log.append([fileRow(DIR_A, '0000000000000001')]);
    expect([a.timestamp, b.timestamp]).toEqual([5001, 5002]);
    // Concurrent appends from one handle are serialized.
    const vs = await Promise.all([1, 2, 3].map(() => log.append([fileRow(DIR_A, '0000000000000002')])));
    expect(vs.map((v) => v.version)).toEqual([3, 4, 5]);
  });

  it('a lost race leaves no orphan files and reports ECONFLICT', async () => {
    const table = new MemoryStorage();
    const content = new MemoryStorage();
    const a = await Oplog.fromStorage(table, content, { create: true });
    const b = await Oplog.fromStorage(table, content);
    await a.append([fileRow(DIR_A, '0000000000000001')]);
    await expectCode(b.append([fileRow(DIR_A, '0000000000000002')]), 'ECONFLICT');
    expect(await table.listDirs('')).toContain(`part_id=${DIR_A}`);
    expect((await table.names(`part_id=${DIR_A}`)).length).toBe(1);
    await b.refresh();
    expect((await b.append([fileRow(DIR_A, '0000000000000002')])).version).toBe(2);
  });

  it('rejects a bad part_id', async () => {
    const log = await Oplog.fromStorage(new MemoryStorage(), new MemoryStorage(), { create: true });
    await expectCode(log.append([fileRow('../x', '0000000000000001')]), 'EINVAL');
    expect(log.version).toBe(0);
  });

  it('compacts partitions into one file without changing the rows', async () => {
    const log = await Oplog.fromStorage(new MemoryStorage(), new MemoryStorage(), { create: true });
    for (let i = 0; i < 5; i++) await log.append([fileRow(DIR_A, `000000000000000${i}`, { content: Buffer.from(`v${i}`) })]);
    const before = await log.readPartition(DIR_A, { withContent: true });
    const res = await log.compact();
    expect(res).toEqual({ version: 6, partitions: 1, filesRemoved: 5, filesAdded: 1 });
    expect(log.partitionFiles().get(DIR_A)).toHaveLength(1);
    const after = await log.readPartition(DIR_A, { withContent: true });
    const strip = (rs: typeof before): OpRecord[] => rs.map(({ source: _s, ...r }) => r);
    expect(strip(after)).toEqual(strip(before));
    expect(Buffer.from(await log.readContent(after[3]!.source)).toString()).toBe('v3');
    const old = await log.readPartition(DIR_A, { snapshot: await log.snapshotAt(3) });
    expect(old.map((r) => r.version)).toEqual([1, 2, 3]);
    expect((await log.compact()).version).toBeNull();
    const infos = await log.table.commitInfos(6, 6);
    expect(infos[0]!.commitInfo?.operation).toBe('OPTIMIZE');
  });

  it('merges a busy partition\'s small files within an append, keeping every version readable', async () => {
    const dir = tmp();
    const log = await Oplog.create(dir, { autoCompactFiles: 4 });
    for (let i = 1; i <= 20; i++) {
      await log.append([fileRow(DIR_A, id(i), { content: Buffer.from(`v${i}`) }), fileRow(ROOT_ID, id(100 + i))]);
      // Never more than the threshold plus the merged files' log2 tiers.
      expect(log.partitionFiles().get(DIR_A)!.length).toBeLessThanOrEqual(4 + 3);
    }
    // One pond version per append: the merges rode along, they are not versions of their own.
    expect(log.version).toBe(20);
    expect(log.partitionFiles().get(DIR_A)!.length).toBeLessThan(8);
    const again = await Oplog.open(dir);
    for (const v of [3, 9, 20]) {
      const rows = await again.readPartition(DIR_A, { snapshot: await again.snapshotAt(v), withContent: true });
      expect(rows.map((r) => r.version)).toEqual(Array.from({ length: v }, (_, k) => k + 1));
      expect(rows.map((r) => Buffer.from(r.content!).toString())).toEqual(Array.from({ length: v }, (_, k) => `v${k + 1}`));
    }
    // Every data file an old snapshot names is still on disk.
    for (const f of (await again.snapshotAt(5)).files) expect(statSync(join(dir, 'oplog', f.path)).isFile()).toBe(true);
    // Version 5 found DIR_A with 4 files (versions 1-4) and merged them: marked as no data
    // change, while the append's own files are.
    const commit = (await readFile(join(dir, 'oplog', '_delta_log', `${'5'.padStart(20, '0')}.json`), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, { dataChange?: boolean; partitionValues?: Record<string, string> }>);
    const adds = commit.filter((a) => a.add).map((a) => a.add!);
    expect(commit.filter((a) => a.remove).every((a) => a.remove!.dataChange === false)).toBe(true);
    expect(commit.filter((a) => a.remove)).toHaveLength(4);
    expect(adds.filter((a) => a.dataChange === false).map((a) => a.partitionValues!.part_id)).toEqual([DIR_A]);
    expect(adds.filter((a) => a.dataChange === true)).toHaveLength(2);
  });

  it('carries files by partition from commit to commit as a fresh handle groups them', async () => {
    const dir = tmp();
    const log = await Oplog.create(dir, { autoCompactFiles: 4 });
    const grouped = (l: Oplog): Record<string, string[]> => Object.fromEntries([...l.partitionFiles()].map(([p, fs]) => [p, fs.map((f) => f.path).sort()]));
    for (let i = 1; i <= 40; i++) {
      const part = i % 3 === 0 ? ROOT_ID : i % 3 === 1 ? DIR_A : id(0xbb);
      await log.append([fileRow(part, id(i)), ...(i % 5 === 0 ? [fileRow(id(0xcc), id(200 + i))] : [])], { urgent: i % 2 === 0 });
      if (i % 10 === 0) await log.upkeep();
    }
    await log.compact({ minFiles: 3 });
    expect(grouped(log)).toEqual(grouped(await Oplog.open(dir)));
  });

  it('leaves merges out of urgent appends until the hard bound, and upkeep makes them in a commit of its own', async () => {
    const dir = tmp();
    const log = await Oplog.create(dir, { autoCompactFiles: 4 });
    const count = (): number => log.partitionFiles().get(DIR_A)!.length;
    const add = (i: number, urgent: boolean): Promise<unknown> => log.append([fileRow(DIR_A, id(i), { content: Buffer.from(`v${i}`) })], { urgent });
    for (let i = 1; i <= 15; i++) await add(i, true);
    // Every urgent append added a file and none merged (the hard bound is 4 x 4).
    expect(count()).toBe(15);
    expect(log.upkeepPending).toBe(true);
    await add(16, true);
    // The 17th file met a partition of 16: that append merged.
    await add(17, true);
    expect(count()).toBeLessThan(4);
    for (let i = 18; i <= 22; i++) await add(i, true);
    expect(log.upkeepPending).toBe(true);
    const res = await log.upkeep();
    expect(res.version).toBe(23);
    expect(log.upkeepPending).toBe(false);
    expect(count()).toBeLessThan(4);
    expect((await log.upkeep()).version).toBeNull();
    const infos = await log.table.commitInfos(23, 23);
    expect(infos[0]!.commitInfo?.operation).toBe('OPTIMIZE');
    // An unhurried append merges what an urgent one deferred, in its own commit.
    for (let i = 24; i <= 28; i++) await add(i, true);
    expect(log.upkeepPending).toBe(true);
    await log.append([fileRow(ROOT_ID, id(99))]);
    expect(log.upkeepPending).toBe(false);
    expect(log.version).toBe(29);
    // Merged from rows in memory and from files decoded by a fresh handle: the same rows.
    const again = await Oplog.open(dir, { autoCompactFiles: 4 });
    for (let i = 30; i <= 33; i++) await again.append([fileRow(DIR_A, id(i), { content: Buffer.from(`v${i}`) })]);
    await again.compact();
    expect(again.partitionFiles().get(DIR_A)).toHaveLength(1);
    for (const l of [again, await Oplog.open(dir)]) {
      const rows = await l.readPartition(DIR_A, { withContent: true });
      const want = Array.from({ length: 33 }, (_, k) => k + 1).filter((v) => v !== 23 && v !== 29);
      expect(rows.map((r) => r.version)).toEqual(want);
      expect(rows.map((r) => Buffer.from(r.content!).toString())).toEqual(want.map((v) => `v${v}`));
    }
  });

  it('reads only the newest rows of a partition, with the chunk lists of those alone', async () => {
    const log = await Oplog.fromStorage(new MemoryStorage(), new MemoryStorage(), { create: true, autoCompactFiles: 0 });
    const big = '00000000000000b1';
    // 9,000 chunk references (random hashes): data files of 256 KiB or more, which are
    // decoded without their chunk lists first.
    const refs = (v: number): NewRecord['chunks'] => Array.from({ length: 9000 }, (_, k) => ({ sha256: sha256Hex(Buffer.from(`${v}/${k}`)), size: 1 }));
    for (let v = 1; v <= 3; v++) {
      await log.append([
        fileRow(DIR_A, big, { op: v === 1 ? 'create' : 'update', content: null, size: 9000, chunks: refs(v) }),
        fileRow(DIR_A, id(v), { content: Buffer.from(`v${v}`) }),
        entryRow(DIR_A, 'x', id(v), DIR_A, v === 1 ? 'create' : 'update'),
      ]);
    }
    await log.append([fileRow(DIR_A, id(2), { op: 'delete' }), entryRow(DIR_A, 'x', id(3), DIR_A, 'delete')]);
    expect(log.partitionFiles().get(DIR_A)!.filter((f) => f.size >= 256 * 1024)).toHaveLength(3);
    const all = await log.readPartition(DIR_A);
    for (const bound of [Infinity, 2, 4]) {
      const got = await log.readPartition(DIR_A, { newest: bound });
      // What a replay of every row keeps, chunk lists included.
      const want = all.filter((r) => r.version <= bound && !all.some((o) => o.version <= bound && o.version > r.version
        && (r.name === null ? o.name === null && o.node_id === r.node_id : o.name === r.name)));
      expect(got).toEqual(want);
    }
    expect((await log.readPartition(DIR_A, { newest: 2 })).find((r) => r.node_id === big)!.chunks).toEqual(refs(2));
  });

  it('writes data files DuckDB reads with the same values', async () => {
    const dir = tmp();
    const log = await Oplog.create(dir);
    const rows: NewRecord[] = [];
    for (let i = 0; i < 50; i++) {
      rows.push(fileRow(i % 2 ? DIR_A : ROOT_ID, i.toString(16).padStart(16, '0'), {
        name: i % 3 ? null : `ñame ${i} 🐟`, mtime: 1712345678901.123 + i, uid: i === 7 ? 4000000000 : 1000,
        size: i === 9 ? Number.MAX_SAFE_INTEGER : i,
        chunks: i % 4 ? null : [{ sha256: 'e'.repeat(64), size: 65536 + i }],
        xattrs: i === 5 ? '{"user.k":"dg=="}' : null, target: i === 6 ? '/tmp/ü' : null,
      }));
    }
    await log.append(rows);
    const files = log.snapshot.files.map((f) => f.path);
    const expected = new Map<string, OpRecord>();
    for (const f of log.snapshot.files) {
      for (const r of decodeRecords(await readFile(join(dir, 'oplog', f.path)), { withContent: true, partId: f.partitionValues.part_id! })) {
        expected.set(`${r.part_id}/${r.node_id}/${r.version}`, r);
      }
    }
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const list = files.map((p) => `'${join(dir, 'oplog', p)}'`).join(', ');
      const res = await conn.runAndReadAll(`SELECT *, epoch_us("timestamp") AS ts_us, epoch_us(mtime) AS mtime_us
        FROM read_parquet([${list}], hive_partitioning = true) ORDER BY part_id, node_id, version`);
      const got = res.getRowObjectsJS();
      expect(got.length).toBe(expected.size);
      expect(got.length).toBe(51);
      for (const g of got) {
        const e = expected.get(`${String(g.part_id)}/${String(g.node_id)}/${Number(g.version)}`)!;
        expect(e).toBeDefined();
        expect(g.name ?? null).toBe(e.name);
        expect(g.kind).toBe(e.kind);
        expect(g.op).toBe(e.op);
        expect(Number(g.ts_us) / 1000).toBe(e.timestamp);
        expect(g.mtime_us === null ? null : Number(g.mtime_us) / 1000).toBe(e.mtime);
        expect(g.size === null ? null : Number(g.size)).toBe(e.size);
        // uid is an unsigned value in a signed Delta integer: compare bit patterns.
        expect(g.uid === null ? null : Number(g.uid) >>> 0).toBe(e.uid);
        expect(g.mode).toBe(e.mode);
        expect(g.sha256 ?? null).toBe(e.sha256);
        expect(g.target ?? null).toBe(e.target);
        expect(g.xattrs ?? null).toBe(e.xattrs);
        const content = g.content as Uint8Array | null;
        expect(content === null ? null : Buffer.from(content).toString('hex')).toBe(e.content === null ? null : Buffer.from(e.content).toString('hex'));
        const chunks = g.chunks as Array<{ sha256: string; size: bigint | number }> | null;
        expect(chunks === null ? null : chunks.map((c) => ({ sha256: c.sha256, size: Number(c.size) }))).toEqual(e.chunks);
      }
    } finally {
      conn.closeSync();
      db.closeSync();
    }
    for (const p of files) expect(statSync(join(dir, 'oplog', p)).size).toBeGreaterThan(0);
  });

  it('keeps the data files of a commit that became visible although its sync failed', async () => {
    // putIfAbsent linked the commit, then the folder sync failed: the error reaches the
    // caller, but the visible commit's data files must not be deleted.
    class SyncFails extends MemoryStorage {
      failNext = false;
      override async putIfAbsent(path: string, data: Uint8Array, opts: { after?: Promise<unknown> } = {}): Promise<void> {
        await super.putIfAbsent(path, data, opts);
        if (this.failNext && path.endsWith('.json')) {
          this.failNext = false;
          throw new PondError('EIO', `fsync failed: ${path}`, { op: 'putIfAbsent', path });
        }
      }
    }
    const table = new SyncFails();
    const log = await Oplog.fromStorage(table, new MemoryStorage(), { create: true });
    table.failNext = true;
    await expectCode(log.append([fileRow(DIR_A, '0000000000000001')]), 'EIO');
    const reopened = await Oplog.fromStorage(table, new MemoryStorage());
    expect((await reopened.readPartition(DIR_A)).map((r) => r.node_id)).toEqual(['0000000000000001']);
  });

  it('propagates missing data files as EIO', async () => {
    const table = new MemoryStorage();
    const log = await Oplog.fromStorage(table, new MemoryStorage(), { create: true, fileCacheBytes: 1 });
    await log.append([fileRow(DIR_A, '0000000000000001')]);
    const f = log.partitionFiles().get(DIR_A)![0]!;
    await table.delete(f.path);
    await expectCode(log.readPartition(DIR_A), 'EIO');
    expect(isPondError(new Error('x'))).toBe(false);
  });
});
