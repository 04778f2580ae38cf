// Benchmarks of the records and content layers: npx tsx scripts/bench-oplog.ts
// Prints one line per figure; BENCHMARKS.md "## Records and content" records a run.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ContentStore, LocalStorage, Oplog, chunkBytes, decodeRecords, encodeRecords, sha256Hex, type OpRecord,
} from '../src/oplog/index.js';

const MiB = 1024 * 1024;

function rows(n: number, contentBytes: number): OpRecord[] {
  const content = contentBytes ? randomBytes(contentBytes * n) : null;
  return Array.from({ length: n }, (_, i) => ({
    part_id: '00000000000000aa', node_id: (0x1000 + i).toString(16).padStart(16, '0'), version: 7,
    timestamp: 1712345678901.123, kind: 'file', op: 'create', name: i % 2 ? `file-${i}.csv` : null,
    child_id: null, child_part: null, mode: 0o100644, uid: 1000, gid: 1000, nlink: 1,
    atime: 1712345678000 + i, mtime: 1712345678000 + i, ctime: 1712345678000 + i, size: contentBytes,
    sha256: sha256Hex(Buffer.from(String(i))), content: content ? content.subarray(i * contentBytes, (i + 1) * contentBytes) : null,
    chunks: null, target: null, xattrs: null,
  }));
}

/** Median of `runs` timings (ms) after one warm-up. */
function time(runs: number, fn: () => void): number {
  fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) { const s = performance.now(); fn(); t.push(performance.now() - s); }
  return t.sort((a, b) => a - b)[runs >> 1]!;
}

async function timeAsync(runs: number, fn: () => Promise<void>): Promise<number[]> {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) { const s = performance.now(); await fn(); t.push(performance.now() - s); }
  return t.sort((a, b) => a - b);
}

function report(name: string, ms: number, n: number, bytes: number): void {
  console.log(`${name.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms  ${Math.round(n / (ms / 1000)).toLocaleString('en-US').padStart(11)} rows/s  ${(bytes / MiB / (ms / 1000)).toFixed(0).padStart(6)} MiB/s`);
}

function benchRecords(): void {
  for (const contentBytes of [0, 4096]) {
    const rs = rows(10000, contentBytes);
    let encoded = encodeRecords(rs).bytes;
    const raw = contentBytes * rs.length || encoded.length;
    const label = contentBytes ? '10,000 rows + 4 KiB inline' : '10,000 rows, no content';
    report(`encode ${label} (file ${(encoded.length / MiB).toFixed(2)} MiB)`, time(7, () => { encoded = encodeRecords(rs).bytes; }), rs.length, raw);
    report(`decode ${label}, withContent`, time(7, () => { decodeRecords(encoded, { withContent: true }); }), rs.length, raw);
    report(`decode ${label}, content projected away`, time(7, () => { decodeRecords(encoded); }), rs.length, encoded.length);
  }
}

function benchChunker(): void {
  const data = randomBytes(64 * MiB);
  const ms = time(3, () => { chunkBytes(data); });
  const n = chunkBytes(data).length;
  console.log(`chunker FastCDC 64 MiB random: ${ms.toFixed(0)} ms, ${(64 / (ms / 1000)).toFixed(0)} MiB/s, ${n} chunks, avg ${(64 * 1024 / n).toFixed(0)} KiB`);
}

async function benchStore(dir: string): Promise<void> {
  for (const kind of ['random', 'text'] as const) {
    const store = new ContentStore(new LocalStorage(join(dir, `content-${kind}`)));
    const data = kind === 'random' ? randomBytes(64 * MiB)
      : Buffer.from(Array.from({ length: 64 * MiB / 64 }, (_, i) => `${i},${(i * 7919) % 100000},sensor-${i % 97},ok\n`.padEnd(64, ' ')).join(''));
    const chunks = chunkBytes(data);
    let s = performance.now();
    const refs = await store.putAll(chunks);
    const put = performance.now() - s;
    s = performance.now();
    await store.putAll(chunks);
    const dedup = performance.now() - s;
    s = performance.now();
    for (let i = 0; i < refs.length; i += 8) await Promise.all(refs.slice(i, i + 8).map((r) => store.get(r)));
    const get = performance.now() - s;
    const mb = data.length / MiB;
    console.log(`content store 64 MiB ${kind}: put ${(mb / (put / 1000)).toFixed(0)} MiB/s, re-put (dedup) ${(mb / (dedup / 1000)).toFixed(0)} MiB/s, get+verify ${(mb / (get / 1000)).toFixed(0)} MiB/s`);
  }
}

async function benchAppend(dir: string): Promise<void> {
  const log = await Oplog.create(join(dir, 'pond'));
  const row = rows(1, 100)[0]!;
  const { version: _v, timestamp: _t, ...rec } = row;
  const t = await timeAsync(50, async () => { await log.append([rec]); });
  const p = (q: number): string => t[Math.floor(q * (t.length - 1))]!.toFixed(2);
  console.log(`append() 1-record commit, local disk (fsync): median ${p(0.5)} ms, p90 ${p(0.9)} ms, min ${p(0)} ms`);
  const r = rows(10000, 0).map(({ version: _a, timestamp: _b, ...x }) => x);
  const t2 = await timeAsync(5, async () => { await log.append(r); });
  console.log(`append() 10,000-record commit (one partition): median ${t2[2]!.toFixed(1)} ms`);
}

const dir = mkdtempSync(join(tmpdir(), 'pond-bench-'));
try {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}, tmp ${dir}`);
  benchRecords();
  benchChunker();
  await benchStore(dir);
  await benchAppend(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
