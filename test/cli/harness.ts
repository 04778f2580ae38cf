import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Runs the real `pond` binary (dist/, built by test/globalSetup.ts) as a subprocess.

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/pond.js');

/** Per-test and per-hook time limit: each step is a Node subprocess (~0.3 s idle, seconds on a loaded machine). */
export const SLOW = 300_000;

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
  bytes: Buffer;
}

export function pond(dir: string | undefined, args: string[], input?: string | Uint8Array): Promise<Result> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.POND;
    delete env.POND_DEBUG;
    const child = spawn(process.execPath, [BIN, ...(dir ? ['--pond', dir] : []), ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const bytes = Buffer.concat(out);
      resolve({ code: code ?? -1, stdout: bytes.toString(), stderr: Buffer.concat(err).toString(), bytes });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** Runs and insists on exit 0, showing stderr when not. */
export async function ok(dir: string | undefined, args: string[], input?: string | Uint8Array): Promise<Result> {
  const r = await pond(dir, args, input);
  if (r.code !== 0) throw new Error(`pond ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}

export function tempDir(prefix = 'pond-cli-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface LogEntry { version: number; time: string; summary: string }

export async function log(dir: string): Promise<LogEntry[]> {
  return JSON.parse((await ok(dir, ['log', '--json'])).stdout) as LogEntry[];
}
