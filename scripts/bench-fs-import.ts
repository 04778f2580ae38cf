// `pond import` of a 10,000-file source tree plus its commit, against
// `git add -A && git commit` of the same tree in the same run; and the on-disk size of
// both against the raw tree (the "text-heavy trees take at most half their size" target).
//
//   npx tsc -p . && npx tsx scripts/bench-fs-import.ts
//
// The tree: this project's node_modules (files up to 1 MiB), then /usr/include, then
// /usr/lib/python3.11, in sorted order, until 10,000 regular files (symlinks skipped).
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import * as nodePath from 'node:path';
import { BENCH_DIR, MiB, ROOT, du, mib, pondCmd, q, requireCli, sh, timed } from './bench-fs-util.js';

const FILES = Number(process.env.FILES ?? 10_000);
const SOURCES: Array<[string, string]> = [
  ['node_modules', nodePath.join(ROOT, 'node_modules')],
  ['include', '/usr/include'],
  ['python3.11', '/usr/lib/python3.11'],
];

function buildTree(dst: string): void {
  let n = 0;
  const walk = (src: string, out: string): void => {
    for (const name of readdirSync(src).sort()) {
      if (n >= FILES) return;
      const s = nodePath.join(src, name);
      const st = lstatSync(s);
      if (st.isDirectory()) walk(s, nodePath.join(out, name));
      else if (st.isFile() && st.size <= MiB) {
        mkdirSync(out, { recursive: true });
        copyFileSync(s, nodePath.join(out, name));
        n++;
      }
    }
  };
  for (const [label, src] of SOURCES) if (existsSync(src)) walk(src, nodePath.join(dst, label));
  if (n < FILES) throw new Error(`only ${n} files found`);
}

requireCli();
const tree = nodePath.join(BENCH_DIR, 'tree');
const pond = nodePath.join(BENCH_DIR, 'import-pond');
const git = nodePath.join(BENCH_DIR, 'import-git');
if (!existsSync(tree)) {
  console.log(`building ${FILES}-file tree in ${tree}`);
  buildTree(tree);
}
rmSync(pond, { recursive: true, force: true });
rmSync(git, { recursive: true, force: true });

const files = Number(sh(`find ${q(tree)} -type f | wc -l`).trim());
const dirs = Number(sh(`find ${q(tree)} -type d | wc -l`).trim());
const raw = du(tree);
console.log(`tree: ${files} files, ${dirs} directories, ${mib(raw.apparent)} apparent, ${mib(raw.blocks)} in blocks`);
// Both tools read the tree from the page cache.
timed(`find ${q(tree)} -type f -exec cat {} + > /dev/null`);

timed(pondCmd(pond, 'init'));
const pondTime = timed(pondCmd(pond, `import ${q(tree)} /`)).seconds;
const g = `git --git-dir=${q(git)} --work-tree=${q(tree)} -c user.name=bench -c user.email=bench@example.com -c gc.auto=0`;
timed(`${g} init -q`);
const gitTime = timed(`${g} add -A && ${g} commit -q -m import`).seconds;

const pondSize = du(pond);
const gitLoose = du(git);
const gcTime = timed(`${g} gc -q`).seconds;
const gitPacked = du(git);
const content = du(nodePath.join(pond, 'content'));
const oplog = du(nodePath.join(pond, 'oplog'));
const dataFiles = Number(sh(`find ${q(pond)}/oplog -name '*.parquet' ! -path '*_delta_log*' | wc -l`).trim());

console.log('');
console.log(`pond import + commit: ${pondTime.toFixed(2)} s   git add -A && git commit: ${gitTime.toFixed(2)} s   ratio pond/git ${(pondTime / gitTime).toFixed(2)}`);
console.log(`git gc: ${gcTime.toFixed(2)} s`);
console.log(`raw tree:     ${mib(raw.apparent)} apparent, ${mib(raw.blocks)} blocks`);
console.log(`pond:         ${mib(pondSize.apparent)} apparent, ${mib(pondSize.blocks)} blocks (oplog ${mib(oplog.apparent)} in ${dataFiles} data files, content ${mib(content.apparent)}); `
  + `pond/raw ${(pondSize.apparent / raw.apparent).toFixed(3)} apparent, ${(pondSize.blocks / raw.blocks).toFixed(3)} blocks`);
console.log(`git (loose):  ${mib(gitLoose.apparent)} apparent, ${mib(gitLoose.blocks)} blocks`);
console.log(`git (gc):     ${mib(gitPacked.apparent)} apparent, ${mib(gitPacked.blocks)} blocks`);
