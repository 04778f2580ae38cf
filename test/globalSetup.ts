import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Tests that run the real `pond` binary need dist/ to match src/. Build once per test
// run, and only when some source file is newer than the last build.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export default function setup(): void {
  const main = join(ROOT, 'dist/bundle/main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newest(join(ROOT, 'src'))) return;
  try {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  } catch (err) {
    // tsc emits even with type errors; only a missing build is fatal.
    if (!existsSync(main)) throw err;
    console.warn('globalSetup: tsc reported errors; testing the emitted build anyway');
  }
}
