// Delta log benchmarks (run: npx tsx scripts/bench-delta.ts).
//  1. Opening a table with 10,000 commits vs one with 100 commits (checkpoint every 100),
//     for two histories: appends (live files grow with history) and rewrites (each commit
//     replaces one file, so the live set stays at 100 and tombstones accumulate).
//  2. Latency of a small commit (one ~1 KiB add action) vs writing + fsyncing the same bytes
//     as a plain file, in the same run on the same disk.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { performance } from 'node:perf_hooks';
import { DeltaTable, serializeActions, type Action, type Metadata, type Protocol } from '../src/oplog/delta/index.js';
import { LocalStorage, MemoryStorage } from '../src/oplog/storage/index.js';

const protocol: Protocol = { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['inCommitTimestamp', 'appendOnly', 'invariants'] };
const metadata: Metadata = {
  id: '00000000-0000-4000-8000-000000000000', format: { provider: 'parquet', options: {} },
  schemaString: '{"type":"struct","fields":[{"name":"part_id","type":"string","nullable":true,"metadata":{}}]}',
  partitionColumns: ['part_id'], configuration: { 'delta.enableInCommitTimestamps': 'true' }, createdTime: 0,
};
const stats = JSON.stringify({ numRecords: 12, minValues: { node_id: '0'.repeat(16), name: 'a'.repeat(300) }, maxValues: { node_id: 'f'.repeat(16), name: 'z'.repeat(300) }, nullCount: { name: 3 } });
const addOf = (i: number): Action => ({ add: { path: `part_id=${(i % 50).toString(16).padStart(16, '0')}/part-${String(i).padStart(8, '0')}-0123456789abcdef.zstd.parquet`, partitionValues: { part_id: (i % 50).toString(16).padStart(16, '0') }, size: 4096 + i, modificationTime: 1_700_000_000_000 + i, dataChange: true, stats } });
const removeOf = (i: number): Action => {
  const a = (addOf(i) as { add: { path: string; partitionValues: Record<string, string> } }).add;
  return { remove: { path: a.path, partitionValues: a.partitionValues, dataChange: true, deletionTimestamp: Date.now() } };
};

/** Builds the table in memory (fast), then writes its files to a directory. */
async function buildTable(commits: number, rewrite: boolean): Promise<string> {
  const mem = new MemoryStorage();
  const t = await DeltaTable.create(mem, { metadata, protocol, actions: [addOf(0)], timestamp: 1_700_000_000_000 });
  for (let v = 1; v < commits; v++) {
    await t.commit(rewrite && v >= 100 ? [addOf(v), removeOf(v - 100)] : [addOf(v)], { timestamp: 1_700_000_000_000 + v });
  }
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'pond-bench-'));
  mkdirSync(`${dir}/_delta_log`);
  for (const name of await mem.names('_delta_log')) writeFileSync(`${dir}/_delta_log/${name}`, await mem.read(`_delta_log/${name}`));
  return dir;
}

async function timeOpen(dir: string, runs: number): Promise<{ ms: number; files: number }> {
  let files = 0;
  await DeltaTable.open(new LocalStorage(dir)); // warm the page cache and the JIT
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const t = await DeltaTable.open(new LocalStorage(dir));
    times.push(performance.now() - t0);
    files = t.snapshot.files.length;
  }
  return { ms: median(times), files };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function commitLatency(n: number): Promise<{ commitMs: number; plainMs: number; bytes: number }> {
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'pond-bench-'));
  try {
    const table = await DeltaTable.create(new LocalStorage(dir), { metadata, protocol, checkpointInterval: 1_000_000 });
    const commitTimes: number[] = [];
    const plainTimes: number[] = [];
    const plainDir = `${dir}/plain`;
    mkdirSync(plainDir);
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const action = addOf(i);
      let t0 = performance.now();
      await table.commit([action]);
      commitTimes.push(performance.now() - t0);
      // The same bytes the commit wrote, as a plain new file: open, write, fsync, close.
      const data = serializeActions([{ commitInfo: { inCommitTimestamp: Date.now(), timestamp: Date.now(), operation: 'WRITE', operationParameters: {}, engineInfo: 'pond' } }, action]);
      bytes = data.length;
      t0 = performance.now();
      const fh = await fsp.open(`${plainDir}/${i}.json`, 'wx');
      await fh.writeFile(data);
      await fh.datasync();
      await fh.close();
      plainTimes.push(performance.now() - t0);
    }
    return { commitMs: median(commitTimes), plainMs: median(plainTimes), bytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines: string[] = [];
const say = (s: string) => { console.log(s); lines.push(s); };
for (const rewrite of [false, true]) {
  const small = await buildTable(100, rewrite);
  const large = await buildTable(10_000, rewrite);
  const a = await timeOpen(small, 15);
  const b = await timeOpen(large, 15);
  say(`open (${rewrite ? 'rewrites: live set stays 100 files, tombstones grow' : 'appends: live files grow with history'}): 100 commits ${a.ms.toFixed(1)} ms (${a.files} files), 10,000 commits ${b.ms.toFixed(1)} ms (${b.files} files), ratio ${(b.ms / a.ms).toFixed(2)}x`);
  rmSync(small, { recursive: true, force: true });
  rmSync(large, { recursive: true, force: true });
}
const c = await commitLatency(200);
say(`small commit (${c.bytes} B commit file, ICT, put-if-absent): median ${c.commitMs.toFixed(2)} ms; plain write+fsync of the same bytes ${c.plainMs.toFixed(2)} ms; ratio ${(c.commitMs / c.plainMs).toFixed(2)}x`);
