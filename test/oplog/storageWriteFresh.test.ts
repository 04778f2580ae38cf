import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStorage, MemoryStorage, Oplog, ROOT_ID, type NewRecord, type Storage } from '../../src/oplog/index.js';
import { isPondError } from '../../src/errors.js';

function tmp(): string { return mkdtempSync(join(tmpdir(), 'pond-fresh-')); }

describe.each([
  ['local', (): Storage => new LocalStorage(tmp())],
  ['memory', (): Storage => new MemoryStorage()],
])('writeFresh (%s)', (_, make) => {
  it('writes a new file in a new folder, and refuses a taken name leaving it untouched', async () => {
    const s = make();
    await s.writeFresh('part_id=a/f.parquet', new Uint8Array([1, 2, 3]));
    await s.sync();
    expect([...await s.read('part_id=a/f.parquet')]).toEqual([1, 2, 3]);
    try { await s.writeFresh('part_id=a/f.parquet', new Uint8Array([9])); expect.fail('no error'); } catch (err) {
      expect(isPondError(err, 'EEXIST')).toBe(true);
    }
    expect([...await s.read('part_id=a/f.parquet')]).toEqual([1, 2, 3]);
  });
});

describe('a commit of many data files', () => {
  it('writes them under their own names (no temp files left) and reads them back after reopening', async () => {
    const dir = tmp();
    const log = await Oplog.create(dir);
    const rows: NewRecord[] = [];
    for (let p = 0; p < 12; p++) {
      const part = p === 0 ? ROOT_ID : p.toString(16).padStart(16, 'a');
      rows.push({
        part_id: part, node_id: (100 + p).toString(16).padStart(16, '0'), kind: 'file', op: 'create', name: null, child_id: null,
        child_part: null, mode: 0o100644, uid: 0, gid: 0, nlink: 1, atime: 1, mtime: 2, ctime: 3, size: 1, sha256: null,
        content: new Uint8Array([p]), chunks: null, target: null, xattrs: null,
      });
    }
    await log.append(rows);
    expect(log.snapshot.files.length).toBe(13);
    for (const f of log.snapshot.files) {
      const folder = join(dir, 'oplog', f.path.split('/')[0]!);
      // No data file is written through a temp file (putNew or writeFresh write in place).
      expect(readdirSync(folder).filter((n) => n.startsWith('.'))).toEqual([]);
      expect(readFileSync(join(dir, 'oplog', f.path)).length).toBe(f.size);
    }
    expect(existsSync(join(dir, 'oplog', '.tmp')) ? readdirSync(join(dir, 'oplog', '.tmp')) : []).toEqual([]);
    const again = await Oplog.open(dir);
    for (const r of rows) {
      const back = await again.readPartition(r.part_id, { withContent: true });
      expect(back.find((b) => b.node_id === r.node_id)?.content).toEqual(r.content);
    }
  });
});
