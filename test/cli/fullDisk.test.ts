import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt } from '../mount/harness.js';

// A pond on a 3 MiB tmpfs: writing more than fits must fail with a clear ENOSPC and
// exit 1, leave the pond as it was (check clean, old content readable) and leave no
// staged chunk files eating the space.

const run = (pond: string, args: string[], input?: Buffer) =>
  spawnSync(process.execPath, [BIN, '--pond', pond, ...args], { input, encoding: 'utf8' });

describe('a full disk', () => {
  let base: string;
  let disk: string;
  beforeAll(() => {
    ensureBuilt();
    base = mkdtempSync(join(tmpdir(), 'pond-full-'));
    disk = join(base, 'disk');
    mkdirSync(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3M', 'tmpfs', disk]);
  });
  afterAll(() => {
    spawnSync('umount', [disk]);
    rmSync(base, { recursive: true, force: true });
  });

  it('fails a write cleanly and keeps the pond intact', () => {
    const pond = join(disk, 'p');
    expect(run(pond, ['init']).status).toBe(0);
    expect(run(pond, ['write', '/ok.txt'], Buffer.from('small')).status).toBe(0);
    const big = Buffer.alloc(5_000_000);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((Math.random() * 0xffffffff) >>> 0, i);
    const w = run(pond, ['write', '/big.bin'], big);
    expect(w.status).toBe(1);
    expect(w.stderr).toMatch(/ENOSPC/);
    expect(w.stderr).not.toMatch(/\n\s+at /); // one line, no stack trace
    const ls = run(pond, ['ls', '/']);
    expect(ls.stdout.trim().split('\n')).toEqual(['ok.txt']);
    expect(run(pond, ['cat', '/ok.txt']).stdout).toBe('small');
    expect(run(pond, ['check']).status).toBe(0);
    // The next writer clears what the failed one staged; the space is usable again.
    expect(run(pond, ['write', '/after.txt'], Buffer.from('after')).status).toBe(0);
    const staged = join(pond, 'content', '.tmp');
    expect(existsSync(staged) ? readdirSync(staged) : []).toEqual([]);
    expect(run(pond, ['cat', '/after.txt']).stdout).toBe('after');
  });
});
