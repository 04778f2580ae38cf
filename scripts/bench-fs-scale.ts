// A pond of 100,000 files and 1,000 versions: open time and the listing of one directory,
// each in a fresh process.
//
//   npx tsc -p . && npx tsx scripts/bench-fs-scale.ts
//
// Built through the Pond API (1,000 CLI runs would measure Node's start-up 1,000 times):
// 100 directories /d00../d99; version v adds 100 files (about 200 bytes of text each) to
// directory (v-1) mod 100, so every directory ends with 1,000 files spread over 10
// commits; an append merges a partition's small files once it holds 8 (oplog/compaction.ts),
// so its partition ends with 3 data files. Checkpoints every 100 versions (the default).
// Then fresh `node` processes (compiled dist/, no tsx) open the pond and list one
// directory, timed inside the process; and the `pond ls` command is timed end to end.
import { rmSync } from 'node:fs';
import * as nodePath from 'node:path';
import { Pond } from '../src/tinylogfs/index.js';
import { BENCH_DIR, ROOT, du, mib, pondCmd, q, requireCli, sh, timed } from './bench-fs-util.js';

const VERSIONS = Number(process.env.VERSIONS ?? 1000);
const PER_VERSION = 100;
const DIRS = 100;
const me = { uid: 1000, gid: 1000 };

requireCli();
const dir = nodePath.join(BENCH_DIR, 'scale-pond');
const name = (d: number): string => `/d${String(d).padStart(2, '0')}`;

if (process.env.REUSE !== '1') {
  rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  const pond = await Pond.create(dir, { commitInterval: 0 });
  const text = 'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ';
  for (let v = 1; v <= VERSIONS; v++) {
    const d = name((v - 1) % DIRS);
    if (v <= DIRS) await pond.fs.mkdir(d, 0o755, me);
    for (let i = 0; i < PER_VERSION; i++) {
      const f = await pond.fs.create(`${d}/file-${v}-${i}.txt`, 0o644, me);
      await pond.fs.write(f, 0, Buffer.from(`${v} ${i} ${text}${text}`.slice(0, 150 + ((v * 7 + i) % 100))));
    }
    await pond.flush('bench');
    if (v % 100 === 0) console.log(`version ${pond.version} after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  await pond.close();
  console.log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
function measure(dir: string, label: string): void {
  const size = du(dir);
  const dataFiles = Number(sh(`find ${q(dir)}/oplog -name '*.parquet' ! -path '*_delta_log*' | wc -l`).trim());
  // Inside a fresh process: import, open, list. Compiled JS, as the installed CLI runs it.
  const probe = `
const t0 = performance.now();
const { Pond } = await import(${JSON.stringify(nodePath.join(ROOT, 'dist/tinylogfs/index.js'))});
const t1 = performance.now();
const pond = await Pond.open(${JSON.stringify(dir)}, { readOnly: true });
const t2 = performance.now();
const names = await pond.fs.readdir('/d42');
const t3 = performance.now();
const again = await pond.fs.readdir('/d43');
const t4 = performance.now();
console.log(JSON.stringify({ load: t1 - t0, open: t2 - t1, ls: t3 - t2, ls2: t4 - t3, n: names.length, n2: again.length, version: pond.version, files: pond.oplog.snapshot.numFiles }));
`;
  const runs: Array<{ load: number; open: number; ls: number; ls2: number; n: number; version: number; files: number }> = [];
  for (let i = 0; i < 5; i++) {
    const r = timed(`node --input-type=module -e ${q(probe)}`, { quiet: true });
    runs.push(JSON.parse(r.stdout));
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const cli = [0, 1, 2].map(() => timed(`${pondCmd(dir, 'ls /d42')} | wc -l`, { quiet: true }).seconds);
  const nodeStart = [0, 1, 2].map(() => timed(`node -e 0`, { quiet: true }).seconds);
  console.log('');
  console.log(`== ${label}: ${mib(size.apparent)}, ${dataFiles} data files on disk (${runs[0]!.files} live); version ${runs[0]!.version}; /d42 lists ${runs[0]!.n} names`);
  console.log(`module load: median ${med(runs.map((r) => r.load)).toFixed(1)} ms`);
  console.log(`Pond.open (read-only): median ${med(runs.map((r) => r.open)).toFixed(1)} ms  [${runs.map((r) => r.open.toFixed(0)).join(', ')}]`);
  console.log(`first readdir of a directory (cold): median ${med(runs.map((r) => r.ls)).toFixed(1)} ms  [${runs.map((r) => r.ls.toFixed(0)).join(', ')}]`);
  console.log(`second directory: median ${med(runs.map((r) => r.ls2)).toFixed(1)} ms`);
  console.log(`\`pond ls /d42\` end to end: median ${(med(cli) * 1000).toFixed(0)} ms (node -e 0: ${(med(nodeStart) * 1000).toFixed(0)} ms)`);
  console.log('');
}

measure(dir, 'as built (1,000 commits, no maintenance)');
// The same pond after `pond maintain` (compaction of small files + checkpoint), on a copy.
const maintained = `${dir}-maintained`;
rmSync(maintained, { recursive: true, force: true });
timed(`cp -a ${q(dir)} ${q(maintained)}`);
timed(pondCmd(maintained, 'maintain'));
measure(maintained, 'after pond maintain');
