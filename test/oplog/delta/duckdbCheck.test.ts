// An independent reader: DuckDB replays our checkpoint Parquet and JSON commits in SQL
// (read_parquet + read_json; its delta extension is not available offline). Its live file
// set, with partition values, must equal ours.

import { rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { DeltaTable, type Action } from '../../../src/oplog/delta/index.js';
import { LocalStorage } from '../../../src/oplog/storage/index.js';
import { PROTOCOL_ICT, add, metadata, remove, tempDir } from './helpers.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
// A null partition value (Delta writes the Hive default directory) must stay null.
const nullPartition: Action = { add: { ...add('n').add, path: 'part_id=__HIVE_DEFAULT_PARTITION__/n.parquet', partitionValues: { part_id: null } } };
const pad = (v: number) => String(v).padStart(20, '0');

describe('DuckDB reads our log the same way', () => {
  it('checkpoint + JSON tail replayed in SQL gives our live files', async () => {
    const root = tempDir();
    dirs.push(root);
    const table = await DeltaTable.create(new LocalStorage(root), {
      metadata: metadata({ ict: true }), protocol: PROTOCOL_ICT, actions: [add('root'), add('other', 'x'), nullPartition], checkpointInterval: 7,
    });
    // Adds, removes and re-adds (RESTORE-like) across partitions, some straddling the checkpoint.
    for (let v = 1; v <= 24; v++) {
      const acts: Action[] = [add(`f${v}`, `p${v % 3}`)];
      if (v % 4 === 0) acts.push(remove(`f${v - 2}`, `p${(v - 2) % 3}`));
      if (v === 13) acts.push(add('f2', 'p2'));
      if (v === 20) acts.push(remove('root'));
      await table.commit(acts, { commitInfo: { operation: 'WRITE' } });
    }
    const ours = table.snapshot.files.map((f) => `${f.path}|${f.partitionValues.part_id ?? '<null>'}`).sort();
    const cpVersion = 21;
    const tail = [22, 23, 24].map((v) => `'${root}/_delta_log/${pad(v)}.json'`).join(', ');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const sql = `
        with cp as (
          select ${cpVersion}::BIGINT as v, add.path as ap, map_extract_value(add.partitionValues, 'part_id') as pv, remove.path as rp
          from read_parquet('${root}/_delta_log/${pad(cpVersion)}.checkpoint.parquet')),
        js as (
          select regexp_extract(filename, '(\\d{20})\\.json$', 1)::BIGINT as v, add.path as ap,
                 map_extract_value(add.partitionValues, 'part_id') as pv, remove.path as rp
          from read_json([${tail}], format = 'newline_delimited', filename = true,
                         columns = {add: 'STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR))', remove: 'STRUCT(path VARCHAR)'})),
        acts as (
          select v, coalesce(ap, rp) as path, ap is not null as is_add, pv from (select * from cp union all select * from js)
          where coalesce(ap, rp) is not null),
        latest as (select path, arg_max(is_add, v) as live, arg_max(pv, v) as pv from acts group by path)
        select path || '|' || coalesce(pv, '<null>') as f from latest where live order by f`;
      const rows = (await conn.runAndReadAll(sql)).getRowObjectsJson().map((r) => String(r.f));
      expect(rows).toEqual(ours);
      expect(rows.length).toBeGreaterThan(10);
      // The checkpoint alone is also a valid Delta state for version 21: counts agree.
      const cpCount = (await conn.runAndReadAll(`select count(add.path) as n from read_parquet('${root}/_delta_log/${pad(cpVersion)}.checkpoint.parquet')`)).getRowObjectsJson()[0]!.n;
      expect(Number(cpCount)).toBe((await table.snapshotAt(cpVersion)).files.length);
    } finally {
      conn.closeSync();
    }
  });
});
