import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FS } from '../../src/tinyfs/index.js';
import { Pond } from '../../src/tinylogfs/index.js';

// A known history, one flush per version, used by the query tests:
//   v1  mkdir /docs; /docs/a.txt = "alpha\n"; /b.bin (binary); symlink /link -> docs/a.txt
//   v2  /docs/a.txt = "alpha\nbeta\n"; mv /b.bin /docs/b.bin
//   v3  ln /docs/a.txt /hard; mkdir /tmp; /tmp/t = "t"
//   v4  mv /docs /papers; rm /link
//   v5  rm /tmp/t; rmdir /tmp; /papers/c.txt = "c\n"
//   v6  mv /papers/c.txt /papers/a.txt (replaces it; its node lives on as /hard)

export const me = { uid: 1000, gid: 1000 };
export const BIN = Buffer.from([0, 1, 2, 255, 0, 10]);

export async function put(fs: FS, path: string, data: string | Uint8Array): Promise<void> {
  const f = await fs.create(path, 0o644, me, false);
  await fs.truncate(f, 0);
  await fs.write(f, 0, typeof data === 'string' ? Buffer.from(data) : data);
}

export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pond-query-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Builds the history in `dir` and returns the open pond (writer). */
export async function buildHistory(dir: string): Promise<Pond> {
  const pond = await Pond.create(dir);
  const fs = pond.fs;
  await fs.mkdir('/docs', 0o755, me);
  await put(fs, '/docs/a.txt', 'alpha\n');
  await put(fs, '/b.bin', BIN);
  await fs.symlink('docs/a.txt', '/link', me);
  await pond.flush('test');
  await put(fs, '/docs/a.txt', 'alpha\nbeta\n');
  await fs.rename('/b.bin', '/docs/b.bin');
  await pond.flush('test');
  await fs.link('/docs/a.txt', '/hard');
  await fs.mkdir('/tmp', 0o700, me);
  await put(fs, '/tmp/t', 't');
  await pond.flush('test');
  await fs.rename('/docs', '/papers');
  await fs.unlink('/link');
  await pond.flush('test');
  await fs.unlink('/tmp/t');
  await fs.rmdir('/tmp');
  await put(fs, '/papers/c.txt', 'c\n');
  await pond.flush('test');
  await fs.rename('/papers/c.txt', '/papers/a.txt');
  await pond.flush('test');
  return pond;
}
