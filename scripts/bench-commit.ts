// Commit-path micro benchmark: the commits sqlite makes per transaction (journal_mode=DELETE,
// synchronous=FULL), without FUSE: journal create+write+fsync, header write+fsync, db write
// +fsync, journal unlink. Three commits per transaction. Prints wall and CPU per commit.
// With DIRS, the pond first gets DIRS one-file directories in one commit (a table of DIRS
// data files, as after an import), so costs that grow with the table show.
//   npx tsx scripts/bench-commit.ts [transactions=100] [DIRS=0]
import { Pond } from '../src/tinylogfs/index.js';
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const N = Number(process.argv[2] ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'pond-cb.'));
const pond = await Pond.create(dir + '/p');
const fs = pond.fs; const who = { uid: 0, gid: 0 };
const DIRS = Number(process.argv[3] ?? 0);
for (let d = 0; d < DIRS; d++) {
  await fs.mkdir(`/d${d}`, 0o755, who);
  await fs.write(await fs.create(`/d${d}/f`, 0o644, who, false), 0, new Uint8Array(100));
}
if (DIRS) await pond.flush('import');
const db = await fs.create('/bench.db', 0o644, who, false);
await fs.write(db, 0, new Uint8Array(8192)); await pond.flush('fsync');
const times: number[] = [];
const cpu0 = process.cpuUsage(); const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const a = performance.now();
  const j = await fs.create('/bench.db-journal', 0o644, who, false);
  await fs.write(j, 0, new Uint8Array(8720).fill(i));
  await pond.flush('fsync');
  await fs.write(j, 0, new Uint8Array(12).fill(1));
  await pond.flush('fsync');
  await fs.write(db, 0, new Uint8Array(4096).fill(i)); await fs.write(db, 4096, new Uint8Array(4096).fill(i));
  await pond.flush('fsync');
  await fs.unlink('/bench.db-journal');
  times.push(performance.now() - a);
}
const wall = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
times.sort((x, y) => x - y);
console.log(`user ${(cpu.user / 1000 / N / 3).toFixed(2)} sys ${(cpu.system / 1000 / N / 3).toFixed(2)} ms/commit; ${N} tx: ${(N * 1000 / wall).toFixed(1)} tx/s, ${(wall / N / 3).toFixed(2)} ms/commit wall, ${((cpu.user + cpu.system) / 1000 / N / 3).toFixed(2)} ms/commit cpu, tx median ${times[N >> 1]!.toFixed(1)} p90 ${times[Math.floor(N * 0.9)]!.toFixed(1)} ms`);
await pond.close(); rmSync(dir, { recursive: true, force: true });
