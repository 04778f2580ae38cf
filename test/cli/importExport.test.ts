import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOW, log, ok, pond, tempDir } from './harness.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** A host tree with every kind of thing import and export must keep. */
function makeTree(root: string): void {
  mkdirSync(join(root, 'dir/sub/deep'), { recursive: true });
  mkdirSync(join(root, 'empty'));
  writeFileSync(join(root, 'small.txt'), 'hello, pond\n');
  writeFileSync(join(root, 'empty.bin'), '');
  writeFileSync(join(root, 'dir/big.bin'), randomBytes(3 * 1024 * 1024 + 17));
  writeFileSync(join(root, 'dir/sub/medium.bin'), randomBytes(70 * 1024));
  writeFileSync(join(root, 'dir/sub/deep/exec.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'dir/sub/deep/exec.sh'), 0o755);
  writeFileSync(join(root, 'dir/readonly.txt'), 'do not touch\n');
  chmodSync(join(root, 'dir/readonly.txt'), 0o444);
  writeFileSync(join(root, 'secret'), 'shh\n');
  chmodSync(join(root, 'secret'), 0o600);
  linkSync(join(root, 'small.txt'), join(root, 'dir/hardlink.txt'));
  symlinkSync('small.txt', join(root, 'rel-link'));
  symlinkSync('../../small.txt', join(root, 'dir/sub/up-link'));
  symlinkSync('/nonexistent/target', join(root, 'dangling'));
  chmodSync(join(root, 'empty'), 0o700);
  utimesSync(join(root, 'dir/big.bin'), new Date('2001-02-03T04:05:06.789Z'), new Date('2002-03-04T05:06:07.891Z'));
  utimesSync(join(root, 'dir/sub'), new Date('2010-01-01T00:00:00Z'), new Date('2011-01-01T00:00:00.5Z'));
}

interface Entry { type: string; mode: number; mtime: number; size: number; link?: string; ino: number }

/** Everything but ctime and access time, keyed by relative path. */
function describeTree(root: string, rel = ''): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const name of readdirSync(join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(root, r));
    const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : 'file';
    out.set(r, {
      type, mode: st.mode, mtime: Math.round(st.mtimeMs), size: type === 'dir' ? 0 : st.size, ino: st.ino,
      ...(type === 'link' ? { link: readlinkSync(join(root, r)) } : {}),
    });
    if (type === 'dir') for (const [k, v] of describeTree(root, r)) out.set(k, v);
  }
  return out;
}

function withoutIno(m: Map<string, Entry>): Record<string, Omit<Entry, 'ino'>> {
  return Object.fromEntries([...m].map(([k, { ino: _ino, ...v }]) => [k, v]));
}

describe('pond import and export', { timeout: SLOW }, () => {
  const src = join(tmp.dir, 'src');
  const P = join(tmp.dir, 'pond');
  beforeAll(async () => {
    mkdirSync(src);
    makeTree(src);
    await ok(P, ['init']);
  }, SLOW);

  it('import -> export round trip is byte-identical, with modes, times, symlinks and hard links', async () => {
    const imp = await ok(P, ['import', src, '/']);
    expect(imp.stdout).toMatch(/imported \d+ files, .* as version 1/);
    expect((await log(P)).length).toBe(2); // one commit
    const out = join(tmp.dir, 'out');
    const [exp, lsl, cat] = await Promise.all([
      ok(P, ['export', '/src', out]),
      ok(P, ['ls', '-l', '/src/dir']),
      ok(P, ['cat', '/src/dir/big.bin']),
    ]);
    expect(exp.stdout).toMatch(/exported .* of version 1 to /);
    expect(lsl.stdout).toMatch(/-r--r--r-- .* readonly\.txt/);
    expect(cat.bytes.equals(readFileSync(join(src, 'dir/big.bin')))).toBe(true);
    execFileSync('diff', ['-r', '--no-dereference', src, out]); // throws on any difference
    const a = describeTree(src);
    const b = describeTree(out);
    expect(withoutIno(b)).toEqual(withoutIno(a));
    expect(b.get('small.txt')!.ino).toBe(b.get('dir/hardlink.txt')!.ino);
    expect(b.get('small.txt')!.ino).not.toBe(b.get('secret')!.ino);

    // Exporting again over the mirror changes nothing.
    await ok(P, ['export', '/src', out]);
    expect(withoutIno(describeTree(out))).toEqual(withoutIno(a));
  });

  it('importing a directory onto an existing file fails and changes nothing', async () => {
    await ok(P, ['write', '/file.txt'], 'I am a file\n');
    const before = await log(P);
    const r = await pond(P, ['import', src, '/file.txt']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot import directory .*src onto file \/file\.txt/);
    // A conflict deep inside the tree is found before anything is written, too.
    await ok(P, ['mkdir', '/t']);
    await ok(P, ['mkdir', '/t/src']);
    await ok(P, ['write', '/t/src/dir'], 'a file where the import has a directory\n');
    const mid = await log(P);
    const r2 = await pond(P, ['import', src, '/t']);
    expect(r2.code).toBe(1);
    const [after, ls, cat] = await Promise.all([log(P), ok(P, ['ls', '/t/src']), ok(P, ['cat', '/file.txt'])]);
    expect(after).toEqual(mid);
    expect(mid.length).toBe(before.length + 3);
    expect(ls.stdout).toBe('dir\n');
    expect(cat.stdout).toBe('I am a file\n');
    expect((await pond(P, ['import', join(tmp.dir, 'no-such-host-path'), '/'])).code).toBe(1);
  });

  it('export never writes outside its target', async () => {
    const E = join(tmp.dir, 'evil-pond');
    const outside = join(tmp.dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'victim'), 'original\n');
    await ok(E, ['init']);
    await ok(E, ['ln', '-s', '../../etc', '/etc-link']);
    await ok(E, ['ln', '-s', outside, '/abs-link']);
    await ok(E, ['mkdir', '/sub']);
    await ok(E, ['write', '/sub/victim'], 'overwritten!\n');
    await ok(E, ['write', '/victim'], 'overwritten!\n');
    const target = join(tmp.dir, 'target');
    mkdirSync(target);
    // The target already holds symlinks pointing outside, where the pond has a directory
    // and a file of the same names.
    symlinkSync(outside, join(target, 'sub'));
    symlinkSync(join(outside, 'victim'), join(target, 'victim'));
    await ok(E, ['export', target]);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('original\n');
    expect(readdirSync(outside)).toEqual(['victim']);
    expect(lstatSync(join(target, 'sub')).isDirectory()).toBe(true);
    expect(readFileSync(join(target, 'sub/victim'), 'utf8')).toBe('overwritten!\n');
    expect(lstatSync(join(target, 'victim')).isFile()).toBe(true);
    expect(readlinkSync(join(target, 'etc-link'))).toBe('../../etc');
    expect(readlinkSync(join(target, 'abs-link'))).toBe(outside);
    // Exporting a second time goes through the symlinks it created itself: still inside.
    await ok(E, ['export', target]);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('original\n');
    expect(existsSync(join(tmp.dir, 'etc'))).toBe(false);
  });

  it('export --at a version and an ISO time', async () => {
    const Q = join(tmp.dir, 'q');
    await ok(Q, ['init']);
    await ok(Q, ['write', '/f'], 'one\n');
    const t = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await ok(Q, ['write', '/f'], 'two\n');
    await ok(Q, ['write', '/g'], 'new\n');
    const [a, b] = [join(tmp.dir, 'at1'), join(tmp.dir, 'attime')];
    await Promise.all([ok(Q, ['export', '--at', '1', a]), ok(Q, ['export', '--at', t, '/', b])]);
    for (const d of [a, b]) {
      expect(readdirSync(d)).toEqual(['f']);
      expect(readFileSync(join(d, 'f'), 'utf8')).toBe('one\n');
    }
    // write streams a large stdin into chunks; an empty stdin makes an empty file.
    const blob = randomBytes(2 * 1024 * 1024 + 5);
    await ok(Q, ['write', '/f'], blob);
    await ok(Q, ['write', '/g'], '');
    const [f, g, at] = await Promise.all([ok(Q, ['cat', '/f']), ok(Q, ['cat', '/g']), ok(Q, ['cat', '--at', '2', '/f'])]);
    expect(f.bytes.equals(blob)).toBe(true);
    expect(g.bytes.length).toBe(0);
    expect(at.stdout).toBe('two\n');
  });
});
