import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cell, QueryEngine, pathLog } from '../../src/query/index.js';
import { Pond } from '../../src/tinylogfs/index.js';
import { BIN, buildHistory, tempDir } from './fixture.js';

const sha = (d: string | Uint8Array): string => createHash('sha256').update(d).digest('hex');
const tmp = tempDir();
let pond: Pond;
afterAll(async () => {
  await pond?.close();
  tmp.cleanup();
});

async function rows(sql: string, at?: number): Promise<Cell[][]> {
  const e = await QueryEngine.open(pond, at === undefined ? {} : { at });
  try {
    return (await e.query(sql)).rows;
  } finally {
    e.close();
  }
}

const FILES = 'SELECT path, kind, size, mode, uid, gid, sha256, version_created, version_changed, nlink, target FROM files ORDER BY path';
const FILES_LATEST = [
  ['/hard', 'file', 11, 0o100644, 1000, 1000, sha('alpha\nbeta\n'), 1, 6, 1, null],
  ['/papers', 'directory', 0, 0o40755, 1000, 1000, null, 1, 6, 2, null],
  ['/papers/a.txt', 'file', 2, 0o100644, 1000, 1000, sha('c\n'), 5, 6, 1, null],
  ['/papers/b.bin', 'file', 6, 0o100644, 1000, 1000, sha(BIN), 1, 2, 1, null],
];
const HISTORY = 'SELECT path, version, op, size, old_path, kind FROM history ORDER BY version, path, op';
const HISTORY_ROWS = [
  ['/b.bin', 1, 'create', 6, null, 'file'],
  ['/docs', 1, 'create', 0, null, 'directory'],
  ['/docs/a.txt', 1, 'create', 6, null, 'file'],
  ['/link', 1, 'create', 10, null, 'symlink'],
  ['/docs', 2, 'update', 0, null, 'directory'],
  ['/docs/a.txt', 2, 'update', 11, null, 'file'],
  ['/docs/b.bin', 2, 'rename', 6, '/b.bin', 'file'],
  ['/docs/a.txt', 3, 'update', 11, null, 'file'], // nlink 2
  ['/hard', 3, 'create', 11, null, 'file'],
  ['/tmp', 3, 'create', 0, null, 'directory'],
  ['/tmp/t', 3, 'create', 1, null, 'file'],
  ['/link', 4, 'delete', null, null, 'symlink'],
  ['/papers', 4, 'rename', 0, '/docs', 'directory'],
  ['/papers/a.txt', 4, 'rename', 11, '/docs/a.txt', 'file'], // moved with its directory
  ['/papers/b.bin', 4, 'rename', 6, '/docs/b.bin', 'file'],
  ['/papers', 5, 'update', 0, null, 'directory'],
  ['/papers/c.txt', 5, 'create', 2, null, 'file'],
  ['/tmp', 5, 'delete', null, null, 'directory'],
  ['/tmp/t', 5, 'delete', null, null, 'file'],
  ['/hard', 6, 'update', 11, null, 'file'], // nlink 1
  ['/papers', 6, 'update', 0, null, 'directory'],
  ['/papers/a.txt', 6, 'delete', null, null, 'file'], // the old occupant's name
  ['/papers/a.txt', 6, 'rename', 2, '/papers/c.txt', 'file'],
];
const COMMITS = 'SELECT version, "trigger", summary, created, changed, deleted, bytes_added, operation FROM commits WHERE version <= 6 ORDER BY version';
const COMMIT_ROWS = [
  [0, null, 'create pond', 1, 0, 0, 0, 'CREATE TABLE'],
  [1, 'test', 'test: 4 created, 1 changed, 0 deleted', 4, 1, 0, 12, 'WRITE'],
  [2, 'test', 'test: 0 created, 4 changed, 0 deleted', 0, 4, 0, 11, 'WRITE'],
  [3, 'test', 'test: 2 created, 2 changed, 0 deleted', 2, 2, 0, 1, 'WRITE'],
  [4, 'test', 'test: 0 created, 2 changed, 1 deleted', 0, 2, 1, 0, 'WRITE'],
  [5, 'test', 'test: 1 created, 2 changed, 2 deleted', 1, 2, 2, 2, 'WRITE'],
  [6, 'test', 'test: 0 created, 3 changed, 0 deleted', 0, 3, 0, 0, 'WRITE'],
];
const AT = 'SELECT path, version_created, version_changed, nlink FROM files ORDER BY path';
const AT_ROWS: Record<number, Cell[][]> = {
  0: [],
  1: [['/b.bin', 1, 1, 1], ['/docs', 1, 1, 2], ['/docs/a.txt', 1, 1, 1], ['/link', 1, 1, 1]],
  2: [['/docs', 1, 2, 2], ['/docs/a.txt', 1, 2, 1], ['/docs/b.bin', 1, 2, 1], ['/link', 1, 1, 1]],
  3: [['/docs', 1, 2, 2], ['/docs/a.txt', 1, 3, 2], ['/docs/b.bin', 1, 2, 1], ['/hard', 1, 3, 2], ['/link', 1, 1, 1], ['/tmp', 3, 3, 2], ['/tmp/t', 3, 3, 1]],
  4: [['/hard', 1, 3, 2], ['/papers', 1, 4, 2], ['/papers/a.txt', 1, 3, 2], ['/papers/b.bin', 1, 2, 1], ['/tmp', 3, 3, 2], ['/tmp/t', 3, 3, 1]],
  5: [['/hard', 1, 3, 2], ['/papers', 1, 5, 2], ['/papers/a.txt', 1, 3, 2], ['/papers/b.bin', 1, 2, 1], ['/papers/c.txt', 5, 5, 1]],
};

/** Every answer the tests check, so a checkpointed and compacted pond can give the same. */
async function answers(): Promise<Record<string, unknown>> {
  const e = await QueryEngine.open(pond, { at: 6 });
  try {
    const a: Record<string, unknown> = {};
    for (const q of [FILES, HISTORY, COMMITS, 'SELECT * FROM history ORDER BY version, path, op', 'SELECT * FROM files ORDER BY path']) a[q] = (await e.query(q)).rows;
    for (const v of [0, 1, 2, 3, 4, 5]) a[`at${v}`] = (await e.query(`SELECT path, version_created, version_changed, nlink FROM files_at(${v}) ORDER BY path`)).rows;
    return a;
  } finally {
    e.close();
  }
}

describe('SQL views over a known history', () => {
  beforeAll(async () => {
    pond = await buildHistory(tmp.dir);
  });

  it('files: the tree at the latest version, row by row', async () => {
    expect(await rows(FILES)).toEqual(FILES_LATEST);
    // Hard links share a node: one row per name.
    expect(await rows(`SELECT count(DISTINCT node_id), count(*) FROM files WHERE kind = 'file'`)).toEqual([[3, 3]]);
  });

  it('files at earlier versions (--at and files_at) agree with the tree views of the pond', async () => {
    for (const [v, expected] of Object.entries(AT_ROWS)) {
      expect(await rows(AT, Number(v))).toEqual(expected);
      expect(await rows(`SELECT path, version_created, version_changed, nlink FROM files_at(${v}) ORDER BY path`)).toEqual(expected);
      // The same paths as a read-only view of that version lists.
      const fs = await pond.view(Number(v));
      const paths: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        for (const name of await fs.readdir(dir)) {
          const p = dir === '/' ? `/${name}` : `${dir}/${name}`;
          paths.push(p);
          if ((await fs.stat(p)).kind === 'directory') await walk(p);
        }
      };
      await walk('/');
      expect(paths.sort()).toEqual(expected.map((r) => r[0]));
    }
    const at1 = await rows(`SELECT path, target, size FROM files WHERE kind = 'symlink'`, 1);
    expect(at1).toEqual([['/link', 'docs/a.txt', 10]]);
  });

  it('history: every change of every path, renames with old_path', async () => {
    expect(await rows(HISTORY)).toEqual(HISTORY_ROWS);
    // Content hashes on the rows; none on deletes.
    expect(await rows(`SELECT version, sha256 FROM history WHERE path = '/docs/a.txt' ORDER BY version`))
      .toEqual([[1, sha('alpha\n')], [2, sha('alpha\nbeta\n')], [3, sha('alpha\nbeta\n')]]);
    // --at bounds history too.
    expect(await rows(HISTORY, 2)).toEqual(HISTORY_ROWS.filter((r) => (r[1] as number) <= 2));
  });

  it('commits: one row per version, times as the log has them', async () => {
    expect(await rows(COMMITS)).toEqual(COMMIT_ROWS);
    const infos = await pond.oplog.table.commitInfos();
    const times = await rows('SELECT version, time FROM commits ORDER BY version');
    expect(times).toEqual(infos.map((i) => [i.version, new Date(i.timestamp).toISOString()]));
    // A history row carries its commit's time.
    expect(await rows('SELECT count(*) FROM history h JOIN commits c USING (version) WHERE h.time <> c.time')).toEqual([[0]]);
    expect(await rows('SELECT max(version) FROM commits', 3)).toEqual([[3]]);
  });

  it('records: the raw rows, content excluded, partition column included', async () => {
    const cols = (await (async () => {
      const e = await QueryEngine.open(pond);
      try { return (await e.query('SELECT * FROM records LIMIT 1')).columns.map((c) => c.name); } finally { e.close(); }
    })());
    expect(cols).toEqual(['part_id', 'node_id', 'version', 'timestamp', 'kind', 'op', 'name', 'child_id', 'child_part',
      'mode', 'uid', 'gid', 'nlink', 'atime', 'mtime', 'ctime', 'size', 'sha256', 'chunks', 'target', 'xattrs']);
    expect(await rows(`SELECT count(*) FROM records WHERE name = 'hard'`)).toEqual([[1]]);
    expect(await rows(`SELECT DISTINCT part_id FROM records WHERE version = 0`)).toEqual([['0000000000000000']]);
  });

  it('--at a time picks the version of that moment; a bad query is EINVAL with DuckDB\'s message', async () => {
    const [[t3]] = await rows('SELECT time FROM commits WHERE version = 3') as [[string]];
    const e = await QueryEngine.open(pond, { at: t3 });
    try {
      expect(e.version).toBe(3);
      await expect(e.query('SELEC 1')).rejects.toMatchObject({ code: 'EINVAL', message: expect.stringMatching(/^Parser Error: syntax error/) });
      await expect(e.query('SELECT nope FROM files')).rejects.toMatchObject({ code: 'EINVAL', message: expect.not.stringContaining('\n') });
    } finally {
      e.close();
    }
    await expect(QueryEngine.open(pond, { at: 99 })).rejects.toMatchObject({ code: 'ENOVERSION' });
  });

  it('pathLog: newest first, following renames (also through a directory rename)', async () => {
    const strip = (l: Awaited<ReturnType<typeof pathLog>>) => l.map((e) => [e.version, e.op, e.path, e.old_path]);
    expect(strip(await pathLog(pond, '/papers/b.bin'))).toEqual([
      [4, 'rename', '/papers/b.bin', '/docs/b.bin'],
      [2, 'rename', '/docs/b.bin', '/b.bin'],
      [1, 'create', '/b.bin', null],
    ]);
    expect(strip(await pathLog(pond, '/papers/a.txt'))).toEqual([
      [6, 'rename', '/papers/a.txt', '/papers/c.txt'],
      [5, 'create', '/papers/c.txt', null],
    ]);
    expect(strip(await pathLog(pond, '/tmp/t'))).toEqual([[5, 'delete', '/tmp/t', null], [3, 'create', '/tmp/t', null]]);
    expect(await pathLog(pond, '/never')).toEqual([]);
    const log = await pathLog(pond, '/hard');
    expect(log.map((e) => e.summary)).toEqual(['test: 0 created, 3 changed, 0 deleted', 'test: 2 created, 2 changed, 0 deleted']);
    expect(log[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('gives the same answers after a checkpoint and a compaction, and on reopen', async () => {
    const before = await answers();
    await pond.oplog.table.checkpoint();
    const c = await pond.oplog.compact();
    expect(c.filesRemoved).toBeGreaterThan(c.filesAdded);
    expect(await answers()).toEqual(before);
    await pond.close();
    pond = await Pond.open(tmp.dir, { readOnly: true });
    expect(await answers()).toEqual(before);
    // The compaction is a version of its own that changed nothing.
    expect(await rows(FILES)).toEqual(FILES_LATEST);
    expect(await rows('SELECT version, created, changed, deleted, operation FROM commits WHERE version = 7')).toEqual([[7, 0, 0, 0, 'OPTIMIZE']]);
    expect(await rows('SELECT count(*) FROM history WHERE version = 7')).toEqual([[0]]);
  });
});
