import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookup } from '../../src/fuse/registry.js';
import { type Mounted, cleanup, mountExisting, mountNew, pond } from './harness.js';

// SIGKILL the pond server at random moments while a writer fsyncs files through the
// mount. After each remount every byte whose fsync returned must be there, and the pond
// must open and check clean.

const ROUNDS = 6;

function expectedBody(name: string, length: number): string {
  const i = Number(name.split('-').pop());
  return `${name}:`.padEnd(length, String.fromCharCode(97 + (i % 26)));
}

describe('crash safety of the mount', () => {
  let m: Mounted | undefined;
  afterAll(async () => {
    await m?.umount();
    cleanup(m);
  });

  it(`keeps every fsynced byte across ${ROUNDS} kills of the server`, async () => {
    m = await mountNew(['--commit-interval', '1']);
    const synced = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const writer = spawn(process.execPath, [join(import.meta.dirname, 'fixtures/fsync-writer.mjs'), m.mnt, `r${round}`], { stdio: ['ignore', 'pipe', 'inherit'] });
      let buffered = '';
      let thisRound = 0;
      let started: () => void = () => undefined;
      // The kill comes at a random moment after this round's second fsync has returned, so
      // every round kills a server with acknowledged data, however loaded the machine.
      const twoSynced = new Promise<void>((r) => { started = r; });
      writer.stdout.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const l of lines) {
          const [name, len] = l.split(' ');
          synced.set(name!, Number(len));
          if (++thisRound === 2) started();
        }
      });
      writer.once('exit', () => started()); // never wait forever: the count below then fails
      await twoSynced;
      await new Promise((r) => setTimeout(r, Math.random() * 1200));
      const rec = await lookup(m.mnt);
      expect(rec?.pid).toBeGreaterThan(0);
      process.kill(rec!.pid, 'SIGKILL');
      await new Promise<void>((r) => writer.once('exit', () => r()));
      // The next mount clears the stale mount and recovers the dead server's lock.
      m = await mountExisting(m.pondDir, m.mnt, m.base, ['--commit-interval', '1']);
      for (const [name, len] of synced) {
        const body = await fsp.readFile(join(m.mnt, name), 'utf8');
        expect(body.length, name).toBe(len);
        expect(body === expectedBody(name, len), name).toBe(true);
      }
    }
    expect(synced.size).toBeGreaterThanOrEqual(2 * ROUNDS);
    await m.umount();
    const check = await pond(m.pondDir, 'check');
    expect(check.code, check.stdout + check.stderr).toBe(0);
  }, 120_000);
});
