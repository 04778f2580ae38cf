// Helpers shared by the filesystem benchmarks (scripts/bench-fs-*.ts): timed shell
// commands (printed exactly as run), disk usage, the pond CLI.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '..');
export const POND_BIN = nodePath.join(ROOT, 'bin', 'pond.js');
export const BENCH_DIR = process.env.BENCH_DIR ?? '/tmp/pond-bench';

/** Runs a shell command, prints it, returns wall seconds; throws on a non-zero exit. */
export function timed(cmd: string, opts: { quiet?: boolean } = {}): { seconds: number; stdout: string } {
  console.log(`$ ${cmd}`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`failed (${r.status}): ${cmd}\n${r.stderr}`);
  if (!opts.quiet && r.stdout.trim()) console.log(r.stdout.trim().split('\n').slice(-3).join('\n'));
  return { seconds, stdout: r.stdout };
}

export function sh(cmd: string): string {
  return execFileSync('bash', ['-c', cmd], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** Disk usage in bytes: allocated blocks (`du -sk`) and apparent size (`du -sb`). */
export function du(path: string): { blocks: number; apparent: number } {
  const blocks = Number(sh(`du -sk ${q(path)}`).split('\t')[0]) * 1024;
  const apparent = Number(sh(`du -sb ${q(path)}`).split('\t')[0]);
  return { blocks, apparent };
}

export function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function pondCmd(pond: string, args: string): string {
  return `node ${q(POND_BIN)} --pond ${q(pond)} ${args}`;
}

export function requireCli(): void {
  if (!existsSync(nodePath.join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('build the CLI first: npx tsc -p .');
  }
}

export const MiB = 1024 * 1024;
export function mib(n: number): string {
  return `${(n / MiB).toFixed(2)} MiB`;
}
export function kib(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}
