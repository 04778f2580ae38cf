// SQL over history at scale: npx tsx scripts/bench-sql.ts [--keep DIR]
// Builds a pond of 100,000 files in 100 directories over 1,000 versions straight through
// Oplog.append (each version creates 100 files, rewrites 10 and renames one), then times,
// end to end (open the pond, start DuckDB, load the rows, create the views, run):
//   SELECT count(*) FROM files
//   SELECT * FROM history WHERE path = <one renamed and rewritten file>
// BENCHMARKS.md "## SQL" records a run.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NewRecord, Oplog, ROOT_ID } from '../src/oplog/index.js';
import { QueryEngine } from '../src/query/index.js';
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
      // Rewrite files made in this directory 100 versions ago; rename one of them.
      const old = first - DIRS * PER_VERSION;
      for (let f = old; f < old + REWRITES; f++) rows.push(fileRow(d, f, 'update', v, now));
      const r = old + REWRITES;
      const from = names.get(r)!;
      const to = `renamed-${v}-${from}`;
      names.set(r, to);
      rows.push(entry(d, from, fileId(r), 'file', 'delete', now), entry(d, to, fileId(r), 'file', 'create', now));
    }
    await oplog.append(rows, { commitInfo: { pond: { trigger: 'bench', summary: `bench: version ${v}` } } });
  }
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const r = await fn();
  console.log(`${label.padEnd(58)} ${(performance.now() - t).toFixed(0).padStart(6)} ms`);
  return r;
}

async function endToEnd(dir: string, sql: string): Promise<unknown> {
  const pond = await Pond.open(dir, { readOnly: true });
  const engine = await QueryEngine.open(pond);
  try {
    return (await engine.query(sql)).rows;
  } finally {
    engine.close();
    await pond.close();
  }
}

const keep = process.argv.indexOf('--keep');
const dir = keep > 0 ? process.argv[keep + 1]! : mkdtempSync(join(tmpdir(), 'pond-bench-sql-'));
try {
  if (!existsSync(join(dir, 'oplog'))) {
    await timed(`build: ${DIRS * 0 + VERSIONS * PER_VERSION} files, ${VERSIONS} versions`, () => build(dir));
  }
  const pond = await Pond.open(dir, { readOnly: true });
  console.log(`pond: version ${pond.version}, ${pond.oplog.snapshot.files.length} data files`);
  await pond.close();
  // Cold-ish first run (DuckDB loads its native module), then warm process runs.
  const one = '/d42/renamed-943-renamed-843-renamed-743-renamed-643-renamed-543-f044210.txt';
  for (let i = 0; i < 3; i++) {
    const n = await timed('SELECT count(*) FROM files (end to end)', () => endToEnd(dir, 'SELECT count(*) FROM files'));
    if (i === 0) console.log('  ->', JSON.stringify(n));
    const h = await timed('history of one path (end to end)', () => endToEnd(dir, `SELECT version, op, old_path FROM history WHERE path = '${one}' OR old_path = '${one}' ORDER BY version`));
    if (i === 0) console.log('  ->', JSON.stringify(h));
  }
} finally {
  if (keep < 0) rmSync(dir, { recursive: true, force: true });
}
