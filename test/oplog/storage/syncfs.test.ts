import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syncfs } from '../../../src/oplog/storage/syncfs.js';

const dir = mkdtempSync(nodePath.join(tmpdir(), 'syncfs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of this process's helper shell, if one runs. */
function helperPid(): number | undefined {
  try {
    const out = execFileSync('pgrep', ['-P', String(process.pid), '-f', 'sync -f'], { encoding: 'utf8' });
    return Number(out.trim().split('\n')[0]);
  } catch {
    return undefined;
  }
}

describe('syncfs', () => {
  it('answers calls made together, each in turn', async () => {
    await Promise.all([syncfs(dir), syncfs(dir), syncfs(nodePath.join(dir, '.'))]);
    await syncfs(dir);
  });

  it('rejects a path that does not exist, and goes on serving', async () => {
    await expect(syncfs(nodePath.join(dir, 'missing', 'x'))).rejects.toThrow(/status/);
    await syncfs(dir);
  });

  it('survives its helper being killed: a new one takes over', async () => {
    await syncfs(dir);
    const pid = helperPid();
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGKILL');
    // Calls made while the old helper dies are synced by the fallback or the new helper.
    await Promise.all([syncfs(dir), syncfs(dir)]);
    await syncfs(dir);
    const next = helperPid();
    expect(next).toBeGreaterThan(0);
    expect(next).not.toBe(pid);
  });
});
