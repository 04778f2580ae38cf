import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { DuckDBInstance } from '@duckdb/node-api';
import * as pq from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { decodeRecords, readInlineContent, type OpRecord } from '../../../src/oplog/records/index.js';
import { encodeWithParquetWasm } from '../../../src/oplog/records/encode.js';
import { encodeSmallParquet } from '../../../src/oplog/records/smallParquet.js';
import { isPondError } from '../../../src/errors.js';
import { bigDirectory, row } from './rows.js';

/** Rows covering every column, null pattern and list shape the writer handles. */
function sample(): OpRecord[] {
  const big = new Uint8Array(20_000).map((_, k) => (k * 31) & 255);
  return [
    row(0, { content: new Uint8Array([1, 2, 3]) }),
    row(1, { kind: 'directory', mode: 0o40755, nlink: 2, size: 0, sha256: null, uid: 4294967295, gid: 2147483648 }),
    row(2, { name: 'grüße 🐟 水 '.repeat(10), child_id: 'ffffffffffffffff', child_part: '0000000000000000', mode: null, uid: null,
      gid: null, nlink: null, atime: null, mtime: null, ctime: null, size: null, sha256: null, op: 'delete' }),
    row(3, { content: big, size: big.length }),
    row(4, { chunks: [], content: new Uint8Array(0), size: 0 }),
    row(5, { chunks: Array.from({ length: 20 }, (_, k) => ({ sha256: k.toString(16).padStart(64, 'c'), size: 65536 * k + 1 })) }),
    row(6, { kind: 'symlink', target: '../ä/b', xattrs: '{"user.a":"AQ=="}', mode: -2147483648, atime: -1234.5, size: Number.MAX_SAFE_INTEGER }),
    row(7, { chunks: [{ sha256: 'e'.repeat(64), size: 2 ** 40 }], version: Number.MAX_SAFE_INTEGER, timestamp: 0 }),
    row(8, { name: `z${'\u07ff'.repeat(40)}`, xattrs: 'y'.repeat(70) }), // max statistics cut to 64 bytes and incremented
    ...Array.from({ length: 30 }, (_, k) => row(9 + k, { name: `n${k}`, content: k % 3 ? null : new Uint8Array([k]) })),
  ];
}

/** 2,600 rows with 1 KiB of content each and chunk lists: several pages per column. */
function manyRows(): OpRecord[] {
  return Array.from({ length: 2600 }, (_, k) => row(k, {
    name: k % 2 ? `name ${k}` : null, content: k % 5 ? new Uint8Array(1024).fill(k & 255) : null,
    chunks: k % 7 ? null : Array.from({ length: k % 4 }, (__, j) => ({ sha256: `${k}-${j}`.padEnd(64, 'f'), size: j + k })),
  }));
}

describe('direct Parquet writer', () => {
  it.each([['38 rows', sample], ['601 rows', bigDirectory], ['2,600 rows', manyRows]])('writes what parquet-wasm writes, as our reader sees it (%s)', (_, make) => {
    const rows = make();
    const small = encodeSmallParquet(rows);
    const wasm = encodeWithParquetWasm(rows);
    // Content as base64: deep equality of thousands of byte arrays is slow in vitest.
    const flat = (rs: OpRecord[]): unknown[] => rs.map((r) => ({ ...r, content: r.content && Buffer.from(r.content).toString('base64') }));
    const back = decodeRecords(small, { withContent: true, partId: 'p' });
    expect(flat(back)).toEqual(flat(rows));
    expect(flat(back)).toEqual(flat(decodeRecords(wasm, { withContent: true, partId: 'p' })));
    // Rows across every page (each call decodes the file).
    for (let i = 0; i < rows.length; i += Math.ceil(rows.length / 40)) expect(readInlineContent(small, i)).toEqual(rows[i]!.content);
  });

  it('gives Arrow readers the same schema as parquet-wasm', () => {
    const rows = sample();
    const schema = (bytes: Uint8Array): string => arrow.tableFromIPC(pq.readParquet(bytes).intoIPCStream()).schema.fields.map(String).join('\n');
    expect(schema(encodeSmallParquet(rows))).toBe(schema(encodeWithParquetWasm(rows)));
  });

  it('cuts pages as parquet-rs does and leaves files of several row groups to parquet-wasm', () => {
    const bytes = encodeSmallParquet(manyRows());
    // Content: ~1 MiB per batch of 1,024 rows, so a page each; readers see the rows in order.
    expect(decodeRecords(bytes).map((r) => r.node_id)).toEqual(manyRows().map((r) => r.node_id));
    expect(() => encodeSmallParquet(Object.assign(new Array<OpRecord>(), { length: 1024 * 1024 + 1 }))).toThrow(/row group/);
  });

  it('rejects bad values with EINVAL', () => {
    const cases: Array<Partial<OpRecord>> = [
      { size: 2 ** 53 }, { uid: -1 }, { mode: 1.5 }, { node_id: null as unknown as string }, { kind: undefined as unknown as 'file' },
      { name: 5 as unknown as string }, { content: 'x' as unknown as Uint8Array }, { chunks: [{ sha256: 'a', size: 0.5 }] },
      { chunks: 'x' as unknown as [] },
    ];
    for (const c of cases) {
      for (const rows of [[row(0), row(1, c)], bigDirectory().map((r, k) => (k === 400 ? { ...r, ...c } : r))]) {
        try { encodeSmallParquet(rows); expect.fail(`no error for ${JSON.stringify(c)}`); } catch (err) {
          expect(isPondError(err, 'EINVAL')).toBe(true);
        }
      }
    }
  });

  it.each([['38 rows', sample], ['601 rows', bigDirectory], ['2,600 rows', manyRows]])('is read by DuckDB like parquet-wasm output: schema, values, encodings, statistics (%s)', async (_, make) => {
    const rows = make();
    const dir = mkdtempSync(join(tmpdir(), 'pond-small-parquet-'));
    const small = join(dir, 'small.parquet');
    const wasm = join(dir, 'wasm.parquet');
    writeFileSync(small, encodeSmallParquet(rows));
    writeFileSync(wasm, encodeWithParquetWasm(rows));
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const all = async (sql: string): Promise<string> => JSON.stringify((await conn.runAndReadAll(sql)).getRowObjectsJson());
    try {
      for (const q of [
        (f: string) => `SELECT * EXCLUDE (file_name) FROM parquet_schema('${f}')`,
        (f: string) => `SELECT *, epoch_us("timestamp") ts, epoch_us(atime) a, epoch_us(mtime) m FROM read_parquet('${f}') ORDER BY node_id`,
        // Filters DuckDB may answer from min/max statistics: a wrong bound loses rows.
        (f: string) => `SELECT node_id FROM read_parquet('${f}') WHERE node_id = '${rows[5]!.node_id}' OR uid = -1 OR size = ${2 ** 40} OR name = 'n29'`,
        (f: string) => `SELECT path_in_schema, num_values, stats_null_count, stats_min_value, stats_max_value, encodings,
          dictionary_page_offset IS NULL no_dict FROM parquet_metadata('${f}') WHERE path_in_schema <> 'content' ORDER BY column_id`,
      ]) {
        expect(await all(q(small))).toBe(await all(q(wasm)));
      }
      expect(await all(`SELECT count(*)::INT n FROM read_parquet('${small}') WHERE node_id = '${rows[5]!.node_id}'`)).toBe('[{"n":1}]');
      // Tiny one-page column chunks are UNCOMPRESSED, the others zstd: both read back above.
      const codecs = await all(`SELECT DISTINCT compression FROM parquet_metadata('${small}') ORDER BY 1`);
      expect(codecs).toBe('[{"compression":"UNCOMPRESSED"},{"compression":"ZSTD"}]');
    } finally {
      conn.closeSync();
    }
  });
});
