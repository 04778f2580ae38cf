// Streaming 1 GiB through a pond with a 128 MiB cache: RSS must stay under 128 + 150 MiB.
//
//   npx tsc -p . && npx tsx scripts/bench-fs-stream.ts
//
// Drives the Pond API directly (the path the mount's write handler takes): one file,
// 1 MiB writes, and after each write `await pond.pressure()` (a spill of the dirty pages
// to chunk files once they pass an eighth of the cache; the writer waits past a quarter),
// then one commit. Then the file is read back in 1 MiB reads from a freshly opened pond
// and its SHA-256 compared. RSS (process.memoryUsage().rss) is sampled after every write
// and read and every 20 ms.
//
// The measured process is plain `node` running the compiled dist/ (as the CLI and the
// mount run), not this tsx process: tsx alone adds ~35 MiB of RSS.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as nodePath from 'node:path';
import { BENCH_DIR, ROOT, requireCli } from './bench-fs-util.js';

requireCli();
const dir = nodePath.join(BENCH_DIR, 'stream-pond');
rmSync(dir, { recursive: true, force: true });
const TOTAL_MIB = Number(process.env.TOTAL_MIB ?? 1024);

const child = `
const { createHash, randomBytes } = await import('node:crypto');
const rss0 = process.memoryUsage().rss;
const { Pond } = await import(${JSON.stringify(nodePath.join(ROOT, 'dist/tinylogfs/index.js'))});
const MiB = 1024 * 1024, TOTAL = ${TOTAL_MIB} * MiB, CACHE = 128 * MiB;
const me = { uid: 1000, gid: 1000 };
const mib = (n) => (n / MiB).toFixed(1) + ' MiB';
let peak = 0;
let atPeak = '';
const sample = () => {
  const m = process.memoryUsage();
  if (m.rss <= peak) return;
  peak = m.rss;
  atPeak = 'heap ' + mib(m.heapUsed) + ', external ' + mib(m.external) + ' (array buffers ' + mib(m.arrayBuffers) + ')';
};
const timer = setInterval(sample, 20);
// 16 MiB of random bytes, used in 1 MiB slices with a counter stamped in: every MiB of
// the file differs (no dedup), and generating it costs nothing per write.
const pool = randomBytes(16 * MiB);
const block = (i) => {
  const b = Buffer.from(pool.subarray((i % 16) * MiB, (i % 16 + 1) * MiB));
  for (let k = 0; k < 64; k++) b.writeUInt32LE(i, k * 16384);
  return b;
};
const rssLoaded = process.memoryUsage().rss;
const pond = await Pond.create(${JSON.stringify(dir)}, { cacheSize: CACHE, commitInterval: 0 });
const file = await pond.fs.create('/stream.bin', 0o644, me);
const hash = createHash('sha256');
let waits = 0; // pressure() handed the writer a spill (or commit) to wait for
const t0 = performance.now();
for (let i = 0; i < TOTAL / MiB; i++) {
  const b = block(i);
  hash.update(b);
  await pond.fs.write(file, i * MiB, b);
  const p = pond.pressure();
  if (p) { waits++; await p; }
  sample();
  if ((i + 1) % 256 === 0) console.log('wrote ' + (i + 1) + ' MiB, rss ' + mib(process.memoryUsage().rss) + ', peak ' + mib(peak));
}
await pond.flush('end');
const writeSeconds = (performance.now() - t0) / 1000;
const writePeak = peak;
const writeAtPeak = atPeak;
await pond.close();
const want = hash.digest('hex');
peak = 0;
sample();
const t1 = performance.now();
const reader = await Pond.open(${JSON.stringify(dir)}, { readOnly: true, cacheSize: CACHE });
const node = await reader.fs.resolve('/stream.bin');
const check = createHash('sha256');
for (let off = 0; off < node.size; off += MiB) {
  check.update(await reader.fs.read(node, off, MiB));
  sample();
}
const readSeconds = (performance.now() - t1) / 1000;
const readPeak = peak;
const readAtPeak = atPeak;
await reader.close();
clearInterval(timer);
const got = check.digest('hex');
console.log('');
console.log('rss: bare node ' + mib(rss0) + ', with pond modules loaded ' + mib(rssLoaded));
console.log('write ' + mib(TOTAL) + ' in ' + writeSeconds.toFixed(1) + ' s (' + (TOTAL / MiB / writeSeconds).toFixed(1) + ' MiB/s), ' + waits + ' waits, ' + pond.version + ' version(s), peak rss ' + mib(writePeak) + ' (' + writeAtPeak + ')');
console.log('read back in ' + readSeconds.toFixed(1) + ' s (' + (TOTAL / MiB / readSeconds).toFixed(1) + ' MiB/s), peak rss ' + mib(readPeak) + ', sha256 ' + (got === want ? 'matches' : 'DIFFERS'));
console.log('limit ' + mib(CACHE + 150 * MiB));
if (got !== want) process.exit(1);
`;
console.log(`$ node --input-type=module -e '<the streaming script in ${nodePath.relative(ROOT, new URL(import.meta.url).pathname)}>'`);
const r = spawnSync('node', ['--input-type=module', '-e', child], { stdio: 'inherit' });
const du = spawnSync('du', ['-sh', dir], { encoding: 'utf8' });
console.log(`pond on disk: ${du.stdout.trim()}`);
process.exit(r.status ?? 1);
