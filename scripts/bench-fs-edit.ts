// Small edits to a 100 MiB file: how much does each commit grow the pond, against git?
//
//   npx tsc -p . && npx tsx scripts/bench-fs-edit.ts
//
// The file is random (incompressible) bytes, so compression hides nothing. Three states
// are committed in turn by both tools: the file; the file with 1 byte changed in the
// middle; that file with 1 byte inserted at its start. The pond gets each state with
// `pond import FILE /` (which replaces /big.bin); git with `git add -A && git commit`.
// Growth is the change of `du -sb` (apparent bytes) of the pond directory and of the .git
// directory. git is measured twice: as committed (loose objects, each a zlib'd copy of
// the whole file) and after `git gc` following each commit (a pack with deltas).
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as nodePath from 'node:path';
import { BENCH_DIR, MiB, du, kib, mib, pondCmd, q, requireCli, timed } from './bench-fs-util.js';

const SIZE = 100 * MiB;
requireCli();
const base = nodePath.join(BENCH_DIR, 'edit');
rmSync(base, { recursive: true, force: true });
const work = nodePath.join(base, 'work');
mkdirSync(work, { recursive: true });
const file = nodePath.join(work, 'big.bin');
const pond = nodePath.join(base, 'pond');
const gitLoose = nodePath.join(base, 'git-loose');
const gitGc = nodePath.join(base, 'git-gc');

// Written in pieces: randomBytes of 100 MiB at once is fine too, but keep memory flat.
const fd = openSync(file, 'w');
for (let off = 0; off < SIZE; off += 4 * MiB) writeSync(fd, randomBytes(4 * MiB));
closeSync(fd);

const gitOf = (dir: string): string => `git --git-dir=${q(dir)} --work-tree=${q(work)} -c user.name=bench -c user.email=bench@example.com -c gc.auto=0`;
timed(pondCmd(pond, 'init'));
timed(`${gitOf(gitLoose)} init -q && ${gitOf(gitGc)} init -q`);

interface Step { name: string; pondGrowth: number; pondSeconds: number; looseGrowth: number; gcGrowth: number; gitSeconds: number }
const steps: Step[] = [];
let last = { pond: du(pond).apparent, loose: du(gitLoose).apparent, gc: du(gitGc).apparent };

function commitAll(name: string): void {
  const p = timed(pondCmd(pond, `import ${q(file)} /`));
  const g = timed(`${gitOf(gitLoose)} add -A && ${gitOf(gitLoose)} commit -q -m ${q(name)}`);
  timed(`${gitOf(gitGc)} add -A && ${gitOf(gitGc)} commit -q -m ${q(name)} && ${gitOf(gitGc)} gc -q`);
  const now = { pond: du(pond).apparent, loose: du(gitLoose).apparent, gc: du(gitGc).apparent };
  steps.push({
    name, pondGrowth: now.pond - last.pond, pondSeconds: p.seconds,
    looseGrowth: now.loose - last.loose, gcGrowth: now.gc - last.gc, gitSeconds: g.seconds,
  });
  last = now;
}

commitAll('initial 100 MiB');
{
  const fh = openSync(file, 'r+');
  const b = Buffer.alloc(1);
  const pos = SIZE / 2;
  const cur = readFileSync(file).subarray(pos, pos + 1)[0]!;
  b[0] = cur ^ 0xff;
  writeSync(fh, b, 0, 1, pos);
  closeSync(fh);
}
commitAll('1 byte changed in the middle');
writeFileSync(file, Buffer.concat([Buffer.from('X'), readFileSync(file)]));
commitAll('1 byte inserted at the start');

console.log('');
console.log('| step | pond growth | % of file | pond import | git growth (loose) | git growth (after gc) | git add+commit |');
console.log('|---|---|---|---|---|---|---|');
for (const s of steps) {
  console.log(`| ${s.name} | ${s.pondGrowth >= MiB ? mib(s.pondGrowth) : kib(s.pondGrowth)} | ${(100 * s.pondGrowth / SIZE).toFixed(3)}% | ${s.pondSeconds.toFixed(2)} s `
    + `| ${mib(s.looseGrowth)} | ${s.gcGrowth >= MiB || s.gcGrowth <= -MiB ? mib(s.gcGrowth) : kib(s.gcGrowth)} | ${s.gitSeconds.toFixed(2)} s |`);
}
