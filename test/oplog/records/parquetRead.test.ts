import { describe, expect, it } from 'vitest';
import { arrowColumns, decodeRecords, readChunkLists, readInlineContent } from '../../../src/oplog/records/decode.js';
import { encodeWithParquetWasm } from '../../../src/oplog/records/encode.js';
import type { OpRecord } from '../../../src/oplog/records/OpRecord.js';
import { type ColumnValues, hybrid, openParquet, readColumn } from '../../../src/oplog/records/parquetRead.js';
import { DATA_COLUMNS } from '../../../src/oplog/records/schema.js';
import { encodeSmallParquet } from '../../../src/oplog/records/smallParquet.js';
import { ThriftReader } from '../../../src/oplog/records/thriftRead.js';
import { isPondError } from '../../../src/errors.js';
import { bigDirectory, row } from './rows.js';

const NAMES = DATA_COLUMNS.map(([n]) => n);

/** How many pages a leaf's column chunk holds. */
function pages(bytes: Uint8Array, leaf: string): number {
  const l = openParquet(bytes)!.leaves.get(leaf)!;
  let n = 0;
  for (let pos = l.start; pos < l.end; n++) {
    const r = new ThriftReader(bytes, pos);
    const header = r.struct();
    pos = r.pos + (header[3] as number);
  }
  return n;
}

/** Every column type, nulls, empty strings and byte arrays, extreme numbers, non-ASCII text. */
function sample(): OpRecord[] {
  return [
    row(0, { content: new Uint8Array([1, 2, 3]) }),
    row(1, { kind: 'directory', mode: 0o40755, nlink: 2, size: 0, sha256: null, uid: 4294967295, gid: 2147483648 }),
    row(2, { name: 'grüße 🐟 水 '.repeat(10), child_id: 'ffffffffffffffff', child_part: '0000000000000000', mode: null, uid: null,
      gid: null, nlink: null, atime: null, mtime: null, ctime: null, size: null, sha256: null, op: 'delete' }),
    row(3, { name: '', target: '', xattrs: '', content: new Uint8Array(0), chunks: [], size: 0 }),
    row(4, { chunks: Array.from({ length: 20 }, (_, k) => ({ sha256: k.toString(16).padStart(64, 'c'), size: 65536 * k + 1 })) }),
    row(5, { kind: 'symlink', target: '../ä/b', xattrs: '{"user.a":"AQ=="}', mode: -2147483648, atime: -1234.5, size: Number.MAX_SAFE_INTEGER }),
    row(6, { chunks: [{ sha256: 'e'.repeat(64), size: 2 ** 40 }], version: Number.MAX_SAFE_INTEGER, timestamp: 0 }),
    row(7, { content: new Uint8Array(20_000).map((_, k) => (k * 31) & 255), size: 20_000 }),
    ...Array.from({ length: 30 }, (_, k) => row(8 + k, { name: `n${k}`, content: k % 3 ? null : new Uint8Array([k]) })),
  ];
}

/** 2,600 rows of 1 KiB content and 2,100 rows of 20 chunk references: several zstd pages per leaf. */
function manyPages(): OpRecord[] {
  return Array.from({ length: 4700 }, (_, k) => row(k, {
    name: k % 2 ? `name ${k}` : null,
    content: k < 2600 && k % 5 ? new Uint8Array(1024).fill(k & 255) : null,
    chunks: k < 2600 ? (k % 7 ? null : []) : Array.from({ length: 20 }, (__, j) => ({ sha256: `${k}-${j}`.padEnd(64, 'f'), size: j + k })),
  }));
}

/** One row: every column chunk tiny, so UNCOMPRESSED. */
const one = (): OpRecord[] => [row(1, { name: 'x' })];

/** 601 rows, 300 distinct child_part values: dictionary indices 9 bits wide (2 bytes per RLE run value). */
const wideDictionary = (): OpRecord[] => bigDirectory().map((r, k) => (r.child_part ? { ...r, child_part: k.toString(16).padStart(16, '0') } : r));

const CASES: Array<[string, () => OpRecord[]]> = [
  ['1 row', one], ['38 rows', sample], ['601 rows', bigDirectory], ['601 rows, wide dictionary', wideDictionary], ['4,700 rows', manyPages],
];

/** Byte arrays as base64: deep equality of thousands of them is slow in vitest. */
const flat = (cols: ColumnValues): unknown[] => cols.map((v) => (v instanceof Uint8Array ? `b64:${Buffer.from(v).toString('base64')}` : v));

describe('Parquet reader for our own data files', () => {
  it.each(CASES)('reads every value as parquet-wasm and Arrow do (%s)', (_, make) => {
    const rows = make();
    const bytes = encodeSmallParquet(rows);
    const file = openParquet(bytes);
    expect(file).toBeDefined();
    expect(file!.numRows).toBe(rows.length);
    const ref = arrowColumns(bytes, NAMES);
    for (const name of NAMES) {
      const ours = readColumn(file!, name);
      expect(ours.every((v) => v === null || !Buffer.isBuffer(v))).toBe(true); // plain Uint8Array, as Arrow's path gives
      expect(flat(ours), name).toEqual(flat(ref.cols.get(name)!));
    }
    // And as written.
    const back = decodeRecords(bytes, { withContent: true, partId: 'p' });
    expect(back.map((r) => ({ ...r, content: r.content && Buffer.from(r.content).toString('base64') })))
      .toEqual(rows.map((r) => ({ ...r, content: r.content && Buffer.from(r.content).toString('base64') })));
  });

  it('reads both codecs and dictionary pages, which these cases produce', () => {
    const codecs = new Set<number>();
    const leaves = CASES.flatMap(([, make]) => [...openParquet(encodeSmallParquet(make()))!.leaves.values()]);
    for (const l of leaves) codecs.add(l.codec);
    expect([...codecs].sort()).toEqual([0, 6]); // UNCOMPRESSED, ZSTD
    // Dictionary pages (601 rows), several data pages per leaf (4,700 rows).
    expect(pages(encodeSmallParquet(bigDirectory()), 'kind')).toBe(2);
    expect(pages(encodeSmallParquet(wideDictionary()), 'child_part')).toBe(2);
    const many = encodeSmallParquet(manyPages());
    for (const leaf of ['content', 'chunks.list.element.sha256']) expect(pages(many, leaf), leaf).toBeGreaterThan(1);
  });

  it.each(CASES)('decodes only the rows asked for, the others null (%s)', (_, make) => {
    const rows = make();
    const bytes = encodeSmallParquet(rows);
    const file = openParquet(bytes)!;
    const want = new Uint8Array(rows.length);
    const picked = [0, 3, 4, rows.length >> 1, rows.length - 1].filter((r) => r < rows.length);
    for (const r of picked) want[r] = 1;
    for (const name of NAMES) {
      const all = readColumn(file, name);
      const some = readColumn(file, name, want);
      expect(flat(some), name).toEqual(flat(all.map((v, i) => (want[i] ? v : null))));
    }
    const lists = readChunkLists(bytes, picked);
    for (const r of picked) {
      expect(lists.get(r)).toEqual(rows[r]!.chunks);
      expect(readInlineContent(bytes, r)).toEqual(rows[r]!.content);
    }
    expect(() => readInlineContent(bytes, rows.length)).toThrow(/has no row/);
    expect(() => readChunkLists(bytes, [rows.length])).toThrow(/has no row/);
  });

  it('leaves files of another writer to parquet-wasm, with the same answers', () => {
    const rows = bigDirectory();
    const wasm = encodeWithParquetWasm(rows);
    expect(openParquet(wasm)).toBeUndefined();
    expect(decodeRecords(wasm, { withContent: true, partId: 'p' })).toEqual(decodeRecords(encodeSmallParquet(rows), { withContent: true, partId: 'p' }));
    expect(readInlineContent(wasm, 7)).toEqual(rows[7]!.content);
    expect(readChunkLists(wasm, [1, 2]).get(1)).toEqual(rows[1]!.chunks);
  });

  it('reports a damaged file as ECORRUPT (through the fallback), never as other rows', () => {
    const bytes = encodeSmallParquet(manyPages());
    const cut = bytes.slice(0, bytes.length - 9); // the footer length and magic gone
    expect(openParquet(cut)).toBeUndefined();
    for (const damaged of [cut, (() => { const b = bytes.slice(); b.fill(0xff, 4, 200); return b; })()]) {
      try { decodeRecords(damaged); expect.fail('decoded a damaged file'); } catch (err) {
        expect(isPondError(err, 'ECORRUPT')).toBe(true);
      }
    }
  });

  it('decodes bit-packed runs of the hybrid encoding (as other writers emit them)', () => {
    // parquet-format's example: 0..7 bit-packed with width 3, then a run of eight 5s.
    const out = new Uint32Array(16);
    const end = hybrid(new Uint8Array([0x03, 0x88, 0xc6, 0xfa, 0x10, 0x05]), 0, 6, 3, 16, out);
    expect([...out]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(end).toBe(6);
  });
});
