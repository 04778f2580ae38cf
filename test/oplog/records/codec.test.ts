import { describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecords, readChunkLists, readInlineContent, recordStats, schemaString, type OpRecord } from '../../../src/oplog/records/index.js';
import { isPondError } from '../../../src/errors.js';

function base(i: number): OpRecord {
  return {
    part_id: 'p', node_id: i.toString(16).padStart(16, '0'), version: 3, timestamp: 1700000000000.125 + i,
    kind: 'file', op: 'create', name: null, child_id: null, child_part: null, mode: 0o100644,
    uid: 1000, gid: 1000, nlink: 1, atime: 1, mtime: 2, ctime: 3, size: 10, sha256: 'a'.repeat(64),
    content: null, chunks: null, target: null, xattrs: null,
  };
}

const stripPart = (r: OpRecord): Omit<OpRecord, 'part_id'> => { const { part_id: _p, ...rest } = r; return rest; };

describe('records codec', () => {
  it('round-trips every column, nulls included', () => {
    const rows: OpRecord[] = [
      base(0),
      { ...base(1), kind: 'directory', op: 'update', name: 'grüße 🐟 水', child_id: 'ffffffffffffffff', child_part: '0000000000000000',
        mode: 0o40755, uid: 4294967294, gid: 2147483648, nlink: 2147483647, atime: -1234.5, mtime: 0.001, ctime: 9007199254740.991, // the largest microsecond count a JS number holds exactly
        size: Number.MAX_SAFE_INTEGER, sha256: null, content: new Uint8Array([0, 1, 255]), xattrs: '{"user.a":"AQ=="}' },
      { ...base(2), kind: 'symlink', op: 'delete', mode: null, uid: null, gid: null, nlink: null, atime: null, mtime: null,
        ctime: null, size: null, target: '../t/ä', chunks: [] },
      { ...base(3), version: Number.MAX_SAFE_INTEGER, timestamp: 0, size: 0, content: new Uint8Array(0),
        chunks: [{ sha256: 'b'.repeat(64), size: 65536 }, { sha256: 'c'.repeat(64), size: 2 ** 40 }] },
      { ...base(4), mode: -2147483648, size: -5 },
    ];
    const { bytes, stats } = encodeRecords(rows);
    const back = decodeRecords(bytes, { withContent: true, partId: 'p' });
    expect(back).toEqual(rows);
    const noContent = decodeRecords(bytes);
    expect(noContent.map(stripPart)).toEqual(rows.map((r) => ({ ...stripPart(r), content: null })));
    expect(noContent[0]!.part_id).toBe('');
    const s = JSON.parse(stats);
    expect(s.numRecords).toBe(5);
    expect(s.minValues.node_id).toBe('0000000000000000');
    expect(s.maxValues.version).toBe(Number.MAX_SAFE_INTEGER);
    expect(s.minValues.timestamp).toBe('1970-01-01T00:00:00.000Z');
    expect(s.nullCount.sha256).toBe(1);
    expect(s.nullCount.content).toBe(3);
  });

  it('takes add.stats null counts from the Parquet writer: the same as counting the rows', () => {
    const nulls: Array<keyof OpRecord> = ['name', 'child_id', 'child_part', 'mode', 'uid', 'gid', 'nlink', 'atime', 'mtime', 'ctime', 'size', 'sha256', 'content', 'target', 'xattrs'];
    // Each column null in a different share of rows; 300 rows also take the dictionary path.
    const make = (n: number): OpRecord[] => Array.from({ length: n }, (_, i) => {
      const r: Record<string, unknown> = { ...base(i), name: `n${i}`, child_id: 'c', child_part: 'p', content: new Uint8Array([i & 255]), target: 't', xattrs: '{}' };
      nulls.forEach((col, k) => { if (i % (k + 2) === 0) r[col] = null; });
      return r as unknown as OpRecord;
    });
    for (const rows of [make(3), make(300)]) expect(JSON.parse(encodeRecords(rows).stats)).toEqual(JSON.parse(recordStats(rows)));
  });

  it('fetches one row\'s inline content', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ ...base(i), content: i % 2 ? new Uint8Array([i & 255, 7]) : null }));
    const { bytes } = encodeRecords(rows);
    expect(readInlineContent(bytes, 2001)).toEqual(new Uint8Array([2001 & 255, 7]));
    expect(readInlineContent(bytes, 2000)).toBeNull();
    expect(() => readInlineContent(bytes, 3000)).toThrow();
  });

  it('reads the chunk lists of chosen rows, one by one or in one pass', () => {
    const refs = (i: number, n: number): OpRecord['chunks'] => Array.from({ length: n }, (_, k) => ({ sha256: (i * 1000 + k).toString(16).padStart(64, '0'), size: k + 1 }));
    const rows = Array.from({ length: 40 }, (_, i) => ({ ...base(i), chunks: i % 3 === 0 ? null : refs(i, i + 1) }));
    const { bytes } = encodeRecords(rows);
    expect(decodeRecords(bytes, { withChunks: false }).every((r) => r.chunks === null)).toBe(true);
    const few = [0, 5, 39];
    const many = Array.from({ length: 20 }, (_, k) => 2 * k);
    for (const pick of [few, many]) {
      const got = readChunkLists(bytes, pick);
      expect([...got.keys()]).toEqual(pick);
      for (const r of pick) expect(got.get(r)).toEqual(rows[r]!.chunks);
    }
    expect(() => readChunkLists(bytes, [40])).toThrow();
  });

  it('keeps microseconds of timestamps', () => {
    const r = { ...base(0), timestamp: 1712345678901.234, mtime: 1712345678901.999 };
    const [back] = decodeRecords(encodeRecords([r]).bytes);
    expect(back!.timestamp).toBe(1712345678901.234);
    expect(back!.mtime).toBe(1712345678901.999);
  });

  it('rejects bad values with EINVAL', () => {
    const cases: Array<Partial<OpRecord>> = [{ size: 2 ** 53 }, { uid: -1 }, { mode: 1.5 }, { node_id: null as unknown as string }];
    for (const c of cases) {
      try { encodeRecords([{ ...base(0), ...c }]); expect.fail('no error'); } catch (err) { expect(isPondError(err, 'EINVAL')).toBe(true); }
    }
  });

  it('reports a damaged file as ECORRUPT', () => {
    const { bytes } = encodeRecords([base(0)]);
    try { decodeRecords(bytes.subarray(0, bytes.length - 20)); expect.fail('no error'); } catch (err) { expect(isPondError(err, 'ECORRUPT')).toBe(true); }
  });

  // Speed is measured in scripts/bench-oplog.ts, never asserted here.
  it('round-trips 10,000 rows in one file', () => {
    const rows = Array.from({ length: 10000 }, (_, i) => ({ ...base(i), name: `n${i}`, chunks: [{ sha256: 'd'.repeat(64), size: i }] }));
    const { bytes } = encodeRecords(rows);
    const back = decodeRecords(bytes);
    expect(back.length).toBe(10000);
    expect(back[9999]!.chunks).toEqual([{ sha256: 'd'.repeat(64), size: 9999 }]);
    expect(back[5000]!.name).toBe('n5000');
  });

  it('declares part_id in the Delta schema', () => {
    const s = JSON.parse(schemaString);
    expect(s.fields[0]).toMatchObject({ name: 'part_id', type: 'string', nullable: false });
    expect(s.fields.find((f: { name: string }) => f.name === 'chunks').type.type).toBe('array');
    expect(s.fields.map((f: { name: string }) => f.name)).toContain('xattrs');
  });
});
