// Proves test/posix/suite.ts against scripts/bench/memfs-fuse.ts mounted with fuse-native,
// with a host tmp dir as the reference. memfs lacks some features on purpose; those cases
// are expected to differ here (and only here: pond must pass them all).

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { posixCases, runCase, skipReason } from './suite.js';

const MEMFS = path.resolve(import.meta.dirname, '../../scripts/bench/memfs-fuse.ts');

/** memfs-only gaps: case name -> why. */
const expectedUnsupported: Record<string, string> = {
  'symlink and readlink': 'memfs has no symlink/readlink',
  'hard links and nlink': 'memfs has no link',
  'hard links: attributes through the other name': 'memfs has no link',
  'hard links: random sequence, every name after every step': 'memfs has no link',
  'xattrs (user namespace)': 'memfs has no xattr handlers',
  'file capabilities (security.capability)': 'memfs has no xattr handlers',
  utimes: 'libfuse 2.9 drops a utimensat that sets only one time (touch -m/-a); native-notes/semantics.md',
};

let base: string;
let mnt: string;
let ref: string;
let server: ChildProcess | undefined;

function mounted(dir: string): boolean {
  return fs.readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === dir);
}

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-posix-'));
  mnt = path.join(base, 'mnt');
  ref = path.join(base, 'ref');
  fs.mkdirSync(mnt);
  fs.mkdirSync(ref);
  server = spawn(process.execPath, ['--import', 'tsx', MEMFS, mnt], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`memfs did not mount: ${log}`)), 20_000);
    server!.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('mounted')) { clearTimeout(timer); resolve(); }
    });
    server!.on('exit', (code) => { clearTimeout(timer); reject(new Error(`memfs exited ${code}: ${log}`)); });
  });
  expect(mounted(mnt)).toBe(true);
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  if (mnt && mounted(mnt)) execFileSync('fusermount', ['-uz', mnt]);
  expect(mounted(mnt)).toBe(false);
  fs.rmSync(base, { recursive: true, force: true });
});

describe('POSIX suite: memfs-fuse vs host', () => {
  for (const c of posixCases) {
    const gap = expectedUnsupported[c.name];
    it(gap ? `${c.name} (differs on memfs: ${gap})` : c.name, (ctx) => {
      const skip = skipReason(c, ref);
      if (skip) return ctx.skip(skip);
      let r: ReturnType<typeof runCase> | undefined;
      let thrown: unknown;
      try { r = runCase(c, ref, mnt); } catch (err) { thrown = err; }
      if (gap) {
        // The suite must notice the gap: either an exception or different observations.
        expect(thrown !== undefined || JSON.stringify(r!.target) !== JSON.stringify(r!.reference)).toBe(true);
      } else {
        if (thrown) throw thrown;
        expect(r!.target).toEqual(r!.reference);
      }
    });
  }
});
