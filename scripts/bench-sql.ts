// SQL over history at scale: npx tsx scripts/bench-sql.ts [--keep DIR]
// Builds a pond of 100,000 files in 100 directories over 1,000 versions straight through
// Oplog.append (each version creates 100 files in one directory, rewrites 11 older ones
// and renames one), then times, end to end (open the pond, start DuckDB, load the rows,
// create the views, run the query):
//   SELECT count(*) FROM files
//   SELECT version, op, size FROM history WHERE path = '/d42/f004200.txt'  (10 versions)
//   pathLog (what `pond log PATH` runs) of a renamed file
// in this process and as `node bin/pond.js sql ...` (a fresh process; needs dist/), on the
// table as appended (one data file per version) and after compaction (one per directory).
// BENCHMARKS.md "## SQL" records a run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type NewRecord, Oplog, ROOT_ID } from '../src/oplog/index.js';
import { QueryEngine, openSource, pathLog } from '../src/query/index.js';
import { Pond } from '../src/tinylogfs/index.js';

const DIRS = 100;
const VERSIONS = 1000;
const PER_VERSION = 100;
const REWRITES = 10;

const hex = (n: number): string => n.toString(16).padStart(16, '0');
const dirId = (d: number): string => hex(0x1_0000_0000 + d);
const fileId = (f: number): string => hex(0x2_0000_0000 + f);
const dirName = (d: number): string => `d${String(d).padStart(2, '0')}`;
const fileName = (f: number): string => `f${String(f).padStart(6, '0')}.txt`;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function base(part: string, id: string, kind: NewRecord['kind'], op: NewRecord['op'], now: number): NewRecord {
  return {
    part_id: part, node_id: id, kind, op, name: null, child_id: null, child_part: null,
    mode: kind === 'directory' ? 0o40755 : 0o100644, uid: 1000, gid: 1000, nlink: kind === 'directory' ? 2 : 1,
    atime: now, mtime: now, ctime: now, size: 0, sha256: null, content: null, chunks: null, target: null, xattrs: null,
  };
}

function fileRow(d: number, f: number, op: NewRecord['op'], rev: number, now: number): NewRecord {
  const content = Buffer.from(`file ${f} revision ${rev}\n`);
  return { ...base(dirId(d), fileId(f), 'file', op, now), size: content.length, sha256: sha(content), content };
}

function entry(d: number, name: string, child: string, kind: NewRecord['kind'], op: NewRecord['op'], now: number): NewRecord {
  const dir = d < 0 ? ROOT_ID : dirId(d);
  return { ...base(dir, dir, kind, op, now), mode: null, uid: null, gid: null, nlink: null, atime: null, mtime: null, ctime: null, size: null, name, child_id: child, child_part: kind === 'directory' ? child : dir };
}

async function build(dir: string): Promise<void> {
  const oplog = await Oplog.create(dir);
  const names = new Map<number, string>(); // file -> current name
  for (let v = 1; v <= VERSIONS; v++) {
    const now = Date.now();
    const d = (v - 1) % DIRS;
    const rows: NewRecord[] = [];
    if (v <= DIRS) {
      rows.push(base(dirId(d), dirId(d), 'directory', 'create', now));
      rows.push(entry(-1, dirName(d), dirId(d), 'directory', 'create', now));
      rows.push(base(ROOT_ID, ROOT_ID, 'directory', 'update', now));
    } else {
      rows.push(base(dirId(d), dirId(d), 'directory', 'update', now));
    }
    const first = (v - 1) * PER_VERSION;
    for (let f = first; f < first + PER_VERSION; f++) {
      names.set(f, fileName(f));
      rows.push(fileRow(d, f, 'create', 0, now), entry(d, fileName(f), fileId(f), 'file', 'create', now));
    }
    if (v > DIRS) {
      // Rewrite files made in this directory 100 versions ago and its first file; rename one.
      const old = first - DIRS * PER_VERSION;
      for (let f = old; f < old + REWRITES; f++) rows.push(fileRow(d, f, 'update', v, now));
      if (old !== d * PER_VERSION) rows.push(fileRow(d, d * PER_VERSION, 'update', v, now));
      const r = old + REWRITES;
      const from = names.get(r)!;
      const to = `renamed-${v}-${from}`;
      names.set(r, to);
      rows.push(entry(d, from, fileId(r), 'file', 'delete', now), entry(d, to, fileId(r), 'file', 'create', now));
    }
    await oplog.append(rows, { commitInfo: { pond: { trigger: 'bench', summary: `bench: version ${v}` } } });
  }
}

interface Figure { wall: number; cpu: number }

async function measure<T>(fn: () => Promise<T>): Promise<{ result: T } & Figure> {
  const t = performance.now();
  const c = process.cpuUsage();
  const result = await fn();
  const u = process.cpuUsage(c);
  return { result, wall: performance.now() - t, cpu: (u.user + u.system) / 1000 };
}

/** What `pond sql` does: open the oplog, start DuckDB, load, define the views, query. */
async function inProcess(dir: string, sql: string): Promise<unknown> {
  const engine = await QueryEngine.open(await openSource(dir));
  try {
    return (await engine.query(sql)).rows;
  } finally {
    engine.close();
  }
}

async function pathLogOf(dir: string, path: string): Promise<unknown> {
  const pond = await Pond.open(dir, { readOnly: true });
  try {
    return (await pathLog(pond, path)).map((e) => `${e.version} ${e.op} ${e.path}`);
  } finally {
    await pond.close();
  }
}

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'pond.js');

/** A fresh `pond sql` process: wall time. */
function cli(dir: string, sql: string): { wall: number; out: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [BIN, '--pond', dir, 'sql', '--csv', sql], { encoding: 'utf8' });
  const wall = performance.now() - t;
  if (r.status !== 0) throw new Error(`pond sql exited ${r.status}: ${r.stderr}`);
  return { wall, out: r.stdout.trim().split('\n').slice(1).join(' | ') };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const fmt = (xs: number[]): string => `${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)})`;

/** RUNS measured runs of fn: each run's wall and cpu, and the last answer. */
async function repeat(fn: () => Promise<unknown>): Promise<{ wall: number[]; cpu: number[]; answer: unknown }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  let answer: unknown;
  for (let i = 0; i < RUNS; i++) {
    const m = await measure(fn);
    wall.push(m.wall);
    cpu.push(m.cpu);
    answer = m.result;
  }
  return { wall, cpu, answer };
}

async function runAll(label: string, dir: string): Promise<void> {
  const pond = await Pond.open(dir, { readOnly: true });
  console.log(`\n${label}: version ${pond.version}, ${pond.oplog.snapshot.files.length} data files`);
  await pond.close();
  const queries: Array<[string, string]> = [
    ['SELECT count(*) FROM files', 'SELECT count(*) FROM files'],
    ['history of one path', `SELECT version, op, size FROM history WHERE path = '${HOT}' ORDER BY version`],
  ];
  for (const [name, sql] of queries) {
    const { wall, cpu, answer } = await repeat(() => inProcess(dir, sql));
    console.log(`  in process   ${name.padEnd(28)} wall ${fmt(wall)}, cpu ${fmt(cpu)}  -> ${JSON.stringify(answer).slice(0, 80)}`);
    if (existsSync(join(dirname(BIN), '..', 'dist', 'cli', 'main.js'))) {
      const runs = Array.from({ length: RUNS }, () => cli(dir, sql));
      console.log(`  pond sql     ${name.padEnd(28)} wall ${fmt(runs.map((r) => r.wall))}`);
    }
  }
  const { wall, cpu, answer } = await repeat(() => pathLogOf(dir, RENAMED));
  console.log(`  in process   ${'pathLog of a renamed file'.padEnd(28)} wall ${fmt(wall)}, cpu ${fmt(cpu)}  -> ${JSON.stringify(answer)}`);
}

const RUNS = 3;
const HOT = '/d42/f004200.txt';
const RENAMED = '/d42/renamed-243-f014210.txt';
const keep = process.argv.indexOf('--keep');
const root = keep > 0 ? process.argv[keep + 1]! : mkdtempSync(join(tmpdir(), 'pond-bench-sql-'));
const asBuilt = join(root, 'appended');
const compacted = join(root, 'compacted');
try {
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs`);
  if (!existsSync(join(asBuilt, 'oplog'))) {
    const m = await measure(() => build(asBuilt));
    console.log(`build: ${VERSIONS * PER_VERSION} files, ${VERSIONS} versions: ${(m.wall / 1000).toFixed(1)} s`);
  }
  if (!existsSync(join(compacted, 'oplog'))) {
    cpSync(asBuilt, compacted, { recursive: true });
    const oplog = await Oplog.open(compacted);
    await oplog.compact();
    await oplog.table.checkpoint();
  }
  // Warm-up: DuckDB's native module and the page cache.
  await inProcess(asBuilt, 'SELECT 1');
  await runAll('as appended', asBuilt);
  await runAll('compacted (pond maintain)', compacted);
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  if (keep < 0) rmSync(root, { recursive: true, force: true });
}
