import fs, { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSynced } from '../../../src/oplog/storage/durableFile.js';

const dir = mkdtempSync(nodePath.join(tmpdir(), 'durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createSynced', () => {
  it('closes the file only once its fdatasync is done, also when the folder sync fails first', async () => {
    // fdatasync held back a turn of the event loop: the folder's ENOENT comes first.
    const results: Array<string | null> = [];
    const original = fs.fdatasync;
    (fs as { fdatasync: unknown }).fdatasync = (fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void => {
      setImmediate(() => original(fd, (err) => { results.push(err ? (err.code ?? 'error') : null); cb(err); }));
    };
    syncBuiltinESMExports();
    try {
      await expect(createSynced(nodePath.join(dir, 'f'), new Uint8Array([1, 2, 3]), nodePath.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      (fs as { fdatasync: unknown }).fdatasync = original;
      syncBuiltinESMExports();
    }
    expect(results).toEqual([null]);
    expect([...readFileSync(nodePath.join(dir, 'f'))]).toEqual([1, 2, 3]);
  });
});
