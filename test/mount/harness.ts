import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/pond.js');

/** The CLI must be built (npm test builds first; a lone vitest run may not have). */
export function ensureBuilt(): void {
  if (!existsSync(join(ROOT, 'dist/bundle/main.js'))) execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

export interface PondRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `pond` binary. */
export async function pond(dir: string, ...args: string[]): Promise<PondRun> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, '--pond', dir, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export function isMounted(mnt: string): boolean {
  return readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === mnt);
}

export interface Mounted {
  pondDir: string;
  mnt: string;
  base: string;
  umount(): Promise<void>;
}

/** A fresh pond, mounted by a detached `pond mount` server. */
export async function mountNew(extra: string[] = []): Promise<Mounted> {
  ensureBuilt();
  const base = mkdtempSync(join(tmpdir(), 'pond-mnt-'));
  const pondDir = join(base, 'pond');
  const mnt = join(base, 'mnt');
  execFileSync('mkdir', ['-p', mnt]);
  const init = await pond(pondDir, 'init');
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  return mountExisting(pondDir, mnt, base, extra);
}

export async function mountExisting(pondDir: string, mnt: string, base: string, extra: string[] = []): Promise<Mounted> {
  const r = await pond(pondDir, 'mount', ...extra, mnt);
  if (r.code !== 0) throw new Error(`mount failed (${r.code}): ${r.stderr}`);
  return {
    pondDir, mnt, base,
    umount: async () => {
      if (isMounted(mnt)) {
        const u = await pond(pondDir, 'umount', mnt);
        if (u.code !== 0 && isMounted(mnt)) spawnSync('fusermount', ['-uz', mnt]);
      }
    },
  };
}

export function cleanup(m: Mounted | undefined): void {
  if (!m) return;
  if (isMounted(m.mnt)) spawnSync('fusermount', ['-uz', m.mnt]);
  rmSync(m.base, { recursive: true, force: true });
}

export const sh = (cmd: string, cwd: string): string => execFileSync('bash', ['-c', cmd], { cwd, encoding: 'utf8' });
