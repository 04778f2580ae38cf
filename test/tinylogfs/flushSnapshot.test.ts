import { describe, expect, it } from 'vitest';
import type { FileNode } from '../../src/tinyfs/index.js';
import { Pond } from '../../src/tinylogfs/index.js';
import { tempDirs } from './tempDirs.js';

// Regression (found by test/model): a flush read directory entries and node metadata
// after its first await, so a change made while chunks were being stored leaked into the
// commit half-way: a renamed file vanished from that version, or an entry was committed
// naming a node that had no record (ECORRUPT on reopen).

const me = { uid: 1000, gid: 1000 };
const tmp = tempDirs('pond-snap-');

async function pondWithBigFile(): Promise<{ dir: string; pond: Pond }> {
  const dir = tmp();
  const pond = await Pond.create(dir);
  // A chunked file makes the flush do real IO before it builds the rest of its rows.
  const big = await pond.fs.create('/big', 0o644, me);
  await pond.fs.write(big, 0, Buffer.alloc(200_000, 7));
  return { dir, pond };
}

describe('flush takes its snapshot before any await', () => {
  it('a rename during a flush does not leak into that commit', async () => {
    const { dir, pond } = await pondWithBigFile();
    const f = await pond.fs.create('/a', 0o644, me);
    await pond.fs.write(f, 0, Buffer.from('hello'));
    await pond.fs.mkdir('/d', 0o755, me);
    const flushing = pond.flush();
    await pond.fs.rename('/a', '/d/c');
    const v1 = (await flushing)!.version;
    expect(await (await pond.view(v1)).readdir('/')).toEqual(['a', 'big', 'd']);
    expect(await (await pond.view(v1)).readdir('/d')).toEqual([]);
    await pond.close();
    const again = await Pond.open(dir);
    expect(await again.fs.readdir('/')).toEqual(['big', 'd']);
    expect(await again.fs.readdir('/d')).toEqual(['c']);
    await again.close();
  });

  it('a name replaced during a flush never names a node the commit lacks', async () => {
    const { dir, pond } = await pondWithBigFile();
    const a = await pond.fs.create('/a', 0o644, me);
    await pond.fs.write(a, 0, Buffer.from('first'));
    const flushing = pond.flush();
    await pond.fs.unlink('/a');
    const b = await pond.fs.create('/a', 0o644, me);
    await pond.fs.write(b, 0, Buffer.from('second'));
    const v1 = (await flushing)!.version;
    // The crash case: only v1 is on disk. It must open, with the first file.
    await pond.close().catch(() => undefined);
    const reader = await Pond.open(dir, { readOnly: true });
    const view = await reader.view(v1);
    const f = (await view.resolve('/a')) as FileNode;
    expect(Buffer.from(await view.read(f, 0, f.size)).toString()).toBe('first');
    const now = (await reader.fs.resolve('/a')) as FileNode;
    expect(Buffer.from(await reader.fs.read(now, 0, now.size)).toString()).toBe('second');
  });

  it('metadata and content changed during a flush are not half in it', async () => {
    const { pond } = await pondWithBigFile();
    const f = await pond.fs.create('/m', 0o644, me);
    await pond.fs.write(f, 0, Buffer.from('before'));
    await pond.flush();
    pond.fs.chmod(f, 0o600);
    const flushing = pond.flush();
    await pond.fs.write(f, 0, Buffer.from('AFTER!'));
    pond.fs.chmod(f, 0o640);
    const v = (await flushing)!.version;
    const view = await pond.view(v);
    const old = (await view.resolve('/m')) as FileNode;
    expect(old.stat().mode & 0o777).toBe(0o600);
    expect(Buffer.from(await view.read(old, 0, old.size)).toString()).toBe('before');
    await pond.flush();
    const now = (await pond.fs.resolve('/m')) as FileNode;
    expect(Buffer.from(await pond.fs.read(now, 0, now.size)).toString()).toBe('AFTER!');
    await pond.close();
  });
});
