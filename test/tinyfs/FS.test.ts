import { describe, expect, it } from 'vitest';
import { PondError } from '../../src/errors.js';
import { FS, MemoryBackend, RENAME_EXCHANGE, RENAME_NOREPLACE, glob, visit, type FileNode } from '../../src/tinyfs/index.js';

const me = { uid: 1000, gid: 1000 };
const te = new TextEncoder();
const td = new TextDecoder();

async function fresh(): Promise<FS> {
  return FS.open(new MemoryBackend());
}

async function code(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
    return undefined;
  } catch (err) {
    if (err instanceof PondError) return err.code;
    throw err;
  }
}

async function writeFile(fs: FS, path: string, text: string): Promise<FileNode> {
  const f = await fs.create(path, 0o644, me);
  await fs.write(f, 0, te.encode(text));
  return f;
}

async function readAll(fs: FS, path: string): Promise<string> {
  const f = (await fs.resolve(path)) as FileNode;
  return td.decode(await fs.read(f, 0, f.size));
}

describe('tinyfs FS', () => {
  it('creates, reads and lists', async () => {
    const fs = await fresh();
    await fs.mkdir('/a', 0o755, me);
    await writeFile(fs, '/a/x.txt', 'hello');
    expect(await fs.readdir('/a')).toEqual(['x.txt']);
    expect(await readAll(fs, '/a/x.txt')).toBe('hello');
    const st = await fs.stat('/a');
    expect(st.nlink).toBe(2);
    expect((await fs.stat('/')).nlink).toBe(3);
  });

  it('reports POSIX errors', async () => {
    const fs = await fresh();
    await fs.mkdir('/d', 0o755, me);
    await writeFile(fs, '/d/f', 'x');
    expect(await code(fs.mkdir('/d', 0o755, me))).toBe('EEXIST');
    expect(await code(fs.stat('/nope'))).toBe('ENOENT');
    expect(await code(fs.stat('/d/f/g'))).toBe('ENOTDIR');
    expect(await code(fs.rmdir('/d'))).toBe('ENOTEMPTY');
    expect(await code(fs.unlink('/d'))).toBe('EISDIR');
    expect(await code(fs.rmdir('/d/f'))).toBe('ENOTDIR');
    expect(await code(fs.create(`/${'n'.repeat(256)}`, 0o644, me))).toBe('ENAMETOOLONG');
    expect(await code(fs.create(`/${'n'.repeat(255)}`, 0o644, me))).toBeUndefined();
    expect(await code(fs.link('/d', '/d2'))).toBe('EPERM');
    expect(await code(fs.readlink('/d/f'))).toBe('EINVAL');
  });

  it('renames over files, directories, into itself, noreplace and exchange', async () => {
    const fs = await fresh();
    await writeFile(fs, '/a', 'A');
    await writeFile(fs, '/b', 'B');
    await fs.rename('/a', '/b');
    expect(await fs.readdir('/')).toEqual(['b']);
    expect(await readAll(fs, '/b')).toBe('A');
    await fs.mkdir('/d', 0o755, me);
    await fs.mkdir('/d/e', 0o755, me);
    expect(await code(fs.rename('/d', '/d/e/f'))).toBe('EINVAL');
    expect(await code(fs.rename('/b', '/d'))).toBe('EISDIR');
    expect(await code(fs.rename('/d', '/b'))).toBe('ENOTDIR');
    await fs.mkdir('/empty', 0o755, me);
    await fs.rename('/d', '/empty');
    expect(await fs.readdir('/empty')).toEqual(['e']);
    expect((await fs.stat('/')).nlink).toBe(3);
    await writeFile(fs, '/c', 'C');
    expect(await code(fs.rename('/c', '/b', RENAME_NOREPLACE))).toBe('EEXIST');
    await fs.rename('/c', '/b', RENAME_EXCHANGE);
    expect(await readAll(fs, '/b')).toBe('C');
    expect(await readAll(fs, '/c')).toBe('A');
  });

  it('keeps hard links and nlink right; open files survive unlink', async () => {
    const fs = await fresh();
    const f = await writeFile(fs, '/f', 'data');
    await fs.link('/f', '/g');
    expect((await fs.stat('/g')).nlink).toBe(2);
    await fs.unlink('/f');
    expect((await fs.stat('/g')).nlink).toBe(1);
    await fs.unlink('/g');
    expect(f.meta.nlink).toBe(0);
    expect(td.decode(await fs.read(f, 0, 10))).toBe('data');
  });

  it('follows symlinks, detects loops, resolves ..', async () => {
    const fs = await fresh();
    await fs.mkdir('/d', 0o755, me);
    await writeFile(fs, '/d/f', 'x');
    await fs.symlink('d', '/l', me);
    await fs.symlink('/d/f', '/d/abs', me);
    await fs.symlink('loop', '/loop', me);
    expect(await readAll(fs, '/l/f')).toBe('x');
    expect(await readAll(fs, '/d/abs')).toBe('x');
    expect(await readAll(fs, '/l/../d/f')).toBe('x');
    expect((await fs.stat('/l')).kind).toBe('symlink');
    expect(await code(fs.stat('/loop/x'))).toBe('ELOOP');
    expect(await fs.readlink('/l')).toBe('d');
  });

  it('creates the target of a dangling symlink, as open(O_CREAT) does', async () => {
    const fs = await fresh();
    await fs.mkdir('/d', 0o755, me);
    await fs.symlink('t', '/d/rel', me);
    await fs.symlink('/d/abs-target', '/abs', me);
    await fs.symlink('hop', '/d/chain', me);
    await fs.symlink('/d/end', '/d/hop', me);
    await fs.symlink('self', '/self', me);
    await fs.symlink('/missing/x', '/nodir', me);
    await fs.write(await fs.create('/d/rel', 0o644, me, false), 0, te.encode('r'));
    await fs.write(await fs.create('/abs', 0o644, me, false), 0, te.encode('a'));
    await fs.write(await fs.create('/d/chain', 0o644, me, false), 0, te.encode('c'));
    expect(await readAll(fs, '/d/t')).toBe('r');
    expect(await readAll(fs, '/d/abs-target')).toBe('a');
    expect(await readAll(fs, '/d/end')).toBe('c');
    expect((await fs.stat('/d/rel')).kind).toBe('symlink');
    expect(await code(fs.create('/self', 0o644, me, false))).toBe('ELOOP');
    expect(await code(fs.create('/nodir', 0o644, me, false))).toBe('ENOENT');
    expect(await code(fs.create('/d/rel', 0o644, me, true))).toBe('EEXIST');
  });

  it('writes at offsets with holes, truncates, and reads zeros', async () => {
    const fs = await fresh();
    const f = await fs.create('/s', 0o644, me);
    await fs.write(f, 200_000, te.encode('end'));
    expect(f.size).toBe(200_003);
    const head = await fs.read(f, 0, 10);
    expect([...head]).toEqual(new Array(10).fill(0));
    await fs.truncate(f, 100_001);
    await fs.truncate(f, 300_000);
    const mid = await fs.read(f, 199_999, 10);
    expect([...mid]).toEqual(new Array(10).fill(0));
  });

  it('records net entry changes between flushes', async () => {
    const fs = await fresh();
    await writeFile(fs, '/t', 'x');
    fs.takeChanges();
    await fs.rename('/t', '/u');
    await fs.rename('/u', '/t');
    const cs = fs.takeChanges();
    const names = cs.entries.get(fs.root)!;
    // Both names were touched, and each is back to what it was.
    expect(fs.root.entries!.get('t')).toBe(names.get('t'));
    expect(names.get('u')).toBeNull();
  });

  it('globs with captures and visits in order', async () => {
    const fs = await fresh();
    for (const s of ['s1', 's2']) {
      await fs.mkdir(`/sensors`, 0o755, me).catch(() => undefined);
      await fs.mkdir(`/sensors/${s}`, 0o755, me);
      await writeFile(fs, `/sensors/${s}/data-2024.csv`, 'x');
      await writeFile(fs, `/sensors/${s}/other.txt`, 'x');
    }
    const m = await glob(fs, '/sensors/*/data-*.csv');
    expect(m.map((x) => [x.path, x.captures])).toEqual([
      ['/sensors/s1/data-2024.csv', ['s1', '2024']],
      ['/sensors/s2/data-2024.csv', ['s2', '2024']],
    ]);
    const deep = await glob(fs, '/**/other.txt');
    expect(deep.map((x) => x.captures[0])).toEqual(['sensors/s1', 'sensors/s2']);
    const seen: string[] = [];
    await visit(fs, '/', (e) => void seen.push(e.path));
    expect(seen).toEqual(['/', '/sensors', '/sensors/s1', '/sensors/s1/data-2024.csv', '/sensors/s1/other.txt',
      '/sensors/s2', '/sensors/s2/data-2024.csv', '/sensors/s2/other.txt']);
  });
});
