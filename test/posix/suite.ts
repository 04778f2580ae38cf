// A POSIX comparison suite: the same operations on a reference directory (a host fs)
// and on a target directory (a mount), asserting identical outcomes: contents byte for
// byte, the stat fields that must agree (type, permission bits, size, nlink), and the
// error codes of failing calls. Nothing here knows what the target is, so it runs
// unchanged against memfs-fuse, a pond mount, or anything else.
//
// Each case gets a fresh, empty subdirectory in both roots. A vitest file registers one
// `it` per case:  for (const c of posixCases) it(c.name, () => runCase(c, ref, target))

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CaseContext {
  /** Fresh empty directory for this case, in the root the run is on. */
  dir: string;
  /** Appends an observation; the two runs' observation lists must be equal. */
  note(label: string, value: unknown): void;
  /** Runs fn, noting its error code or 'ok' (and its result when `keep`). */
  attempt(label: string, fn: () => unknown, keep?: boolean): void;
  /** Notes type, mode bits, size, nlink (and content for files) of a path. */
  noteStat(label: string, p: string): void;
  /** Runs a program with cwd = dir; throws on failure; returns stdout. */
  run(cmd: string, args: string[], env?: Record<string, string>): string;
}

export interface PosixCase {
  name: string;
  /** Programs that must be on PATH; the case is skipped when one is missing. */
  needs?: string[];
  /**
   * 'xattr': the case is skipped when the REFERENCE fs has no user xattrs; 'caps': when
   * it cannot take file capabilities (not root, or no security xattrs).
   */
  feature?: 'xattr' | 'caps';
  body(ctx: CaseContext): void;
}

export interface Observation { label: string; value: unknown }

export function runOn(c: PosixCase, root: string, inspect?: (dir: string) => void): Observation[] {
  const dir = path.join(root, `case-${c.name.replace(/[^a-z0-9]+/gi, '-')}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  const obs: Observation[] = [];
  const ctx: CaseContext = {
    dir,
    note: (label, value) => { obs.push({ label, value }); },
    attempt(label, fn, keep = false) {
      try {
        const r = fn();
        obs.push({ label, value: keep ? normalize(r) : 'ok' });
      } catch (err) {
        obs.push({ label, value: errorLabel(err) });
      }
    },
    noteStat(label, p) { obs.push({ label, value: statSummary(p) }); },
    run(cmd, args, env = {}) {
      return execFileSync(cmd, args, {
        cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000,
        env: { ...process.env, ...GIT_ENV, ...env },
      });
    },
  };
  c.body(ctx);
  // A target may want to look at what the case left (e.g. that it reached history).
  inspect?.(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  return obs;
}

/** Runs a case on both roots; returns the two observation lists (assert them equal). */
export function runCase(c: PosixCase, reference: string, target: string, inspect?: (dir: string) => void):
  { reference: Observation[]; target: Observation[] } {
  return { reference: runOn(c, reference), target: runOn(c, target, inspect) };
}

/** Why a case cannot run here (missing program, reference lacks the feature), or null. */
export function skipReason(c: PosixCase, reference: string): string | null {
  for (const prog of c.needs ?? []) {
    try { execFileSync('sh', ['-c', `command -v ${prog}`], { stdio: 'ignore' }); } catch {
      return `${prog} not installed`;
    }
  }
  if (c.feature === 'xattr' && !supportsXattr(reference)) return 'reference fs has no user xattrs';
  if (c.feature === 'caps' && !supportsXattr(reference, 'security.capability', CAP_VALUE)) return 'cannot set file capabilities here';
  return null;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'pond', GIT_AUTHOR_EMAIL: 'pond@example.com', GIT_COMMITTER_NAME: 'pond',
  GIT_COMMITTER_EMAIL: 'pond@example.com', GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z', GIT_CONFIG_NOSYSTEM: '1', HOME: '/nonexistent',
};

// An fs error by its code; a failed child process by its exit status and stdout (its
// messages name paths, which differ between the two roots).
function errorLabel(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { status?: number | null; stdout?: string };
  if (typeof e.code === 'string') return `error ${e.code}`;
  if (typeof e.status === 'number') return `exit ${e.status}: ${e.stdout ?? ''}`;
  return `error ${String(err)}`;
}

function normalize(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return `bytes:${v.toString('hex')}`;
  if (v instanceof fs.Stats) return statFields(v);
  return v;
}

function statFields(st: fs.Stats): Record<string, unknown> {
  const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
  return { type, perm: (st.mode & 0o7777).toString(8), size: type === 'dir' ? '-' : st.size, nlink: type === 'dir' ? '-' : st.nlink };
}

function statSummary(p: string): unknown {
  try {
    const st = fs.lstatSync(p);
    const s: Record<string, unknown> = statFields(st);
    if (st.isFile()) s.content = fs.readFileSync(p).toString('hex');
    if (st.isSymbolicLink()) s.target = fs.readlinkSync(p);
    return s;
  } catch (err) {
    return `error ${(err as NodeJS.ErrnoException).code}`;
  }
}

/** A recursive listing of a tree: relative path -> stat summary, sorted. */
function treeSummary(root: string): unknown {
  const out: Record<string, unknown> = {};
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      out[r] = statSummary(path.join(root, r));
      if (fs.lstatSync(path.join(root, r)).isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

// Python: t(label, fn) prints what fn returns or the error it raised.
const PY_T = `
import os, sys
def t(label, fn):
    try: print(label, repr(fn()))
    except OSError as e: print(label, 'error', os.strerror(e.errno))
`;

const XATTR_SCRIPT = `${PY_T}
f = sys.argv[1]
open(f, 'w').close()
t('set', lambda: os.setxattr(f, 'user.one', b'first'))
t('set bytes', lambda: os.setxattr(f, 'user.two', bytes([0, 255, 16])))
t('replace', lambda: os.setxattr(f, 'user.one', b'replaced', os.XATTR_REPLACE))
t('create existing', lambda: os.setxattr(f, 'user.one', b'x', os.XATTR_CREATE))
t('replace missing', lambda: os.setxattr(f, 'user.none', b'x', os.XATTR_REPLACE))
t('get', lambda: os.getxattr(f, 'user.one'))
t('get bytes', lambda: os.getxattr(f, 'user.two'))
t('get missing', lambda: os.getxattr(f, 'user.none'))
t('list', lambda: sorted(os.listxattr(f)))
t('remove', lambda: os.removexattr(f, 'user.two'))
t('remove missing', lambda: os.removexattr(f, 'user.two'))
t('list after', lambda: sorted(os.listxattr(f)))
t('empty value', lambda: os.setxattr(f, 'user.empty', b''))
t('get empty', lambda: os.getxattr(f, 'user.empty'))
`;

// File capabilities (cap_net_bind_service, permitted, effective): struct vfs_cap_data,
// revision 2, as hex for Python.
const CAP_VALUE = '0100000200040000000000000000000000000000';

// Writes that must drop a file's capabilities, as the kernel does before any write, and
// names that change which file's attributes stand behind a name (rename over, link).
// The kernel asks for security.capability before every write; the pond channel answers
// "none" from memory for files it learnt have none (scripts/fuse-native-attr-cache.c).
const CAPS_SCRIPT = `${PY_T}
cap = bytes.fromhex('${CAP_VALUE}')
get = lambda f: lambda: os.getxattr(f, 'security.capability')
def write(f, data):
    fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o755)
    try: return os.write(fd, data)
    finally: os.close(fd)
t('write a', lambda: write('a', b'1'))
t('get a', get('a'))
t('set a', lambda: os.setxattr('a', 'security.capability', cap))
t('get a set', get('a'))
t('write a again', lambda: write('a', b'2'))
t('get a after write', get('a'))
t('write b', lambda: write('b', b'3'))
t('set c', lambda: (write('c', b'4'), os.setxattr('c', 'security.capability', cap)))
t('write b again', lambda: write('b', b'5'))
t('rename c over b', lambda: os.rename('c', 'b'))
t('get b', get('b'))
t('link b d', lambda: os.link('b', 'd'))
t('get d', get('d'))
t('write d', lambda: write('d', b'6'))
t('get b after write d', get('b'))
t('get d after write d', get('d'))
`;

function supportsXattr(dir: string, name = 'user.probe', hex = '31'): boolean {
  const probe = path.join(dir, `.xattr-probe-${process.pid}`);
  fs.writeFileSync(probe, '');
  try {
    execFileSync('python3', ['-c', 'import os, sys; os.setxattr(sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3]))', probe, name, hex],
      { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

const p = (ctx: CaseContext, ...parts: string[]): string => path.join(ctx.dir, ...parts);
const bytes = (n: number, seed: number): Buffer => {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = x >>> 24; }
  return b;
};

export const posixCases: PosixCase[] = [
  {
    name: 'create, read, write at offsets',
    body(ctx) {
      const f = p(ctx, 'a');
      fs.writeFileSync(f, 'hello world');
      const fd = fs.openSync(f, 'r+');
      fs.writeSync(fd, Buffer.from('HELLO'), 0, 5, 0);
      fs.writeSync(fd, Buffer.from('!!'), 0, 2, 11);
      fs.writeSync(fd, bytes(300_000, 1), 0, 300_000, 5000);
      const buf = Buffer.alloc(10);
      ctx.note('pread', fs.readSync(fd, buf, 0, 10, 3) + ':' + buf.toString('hex'));
      fs.closeSync(fd);
      ctx.noteStat('a', f);
      ctx.attempt('open O_CREAT|O_EXCL existing', () => fs.openSync(f, 'wx'));
      ctx.attempt('open missing', () => fs.openSync(p(ctx, 'missing'), 'r'));
    },
  },
  {
    name: 'O_APPEND',
    body(ctx) {
      const f = p(ctx, 'log');
      fs.writeFileSync(f, 'start\n');
      const fd = fs.openSync(f, 'a');
      fs.writeSync(fd, 'one\n');
      fs.writeSync(fd, Buffer.from('two\n'), 0, 4, 0); // position ignored with O_APPEND on Linux
      fs.closeSync(fd);
      fs.appendFileSync(f, 'three\n');
      ctx.noteStat('log', f);
    },
  },
  {
    name: 'truncate and ftruncate',
    body(ctx) {
      const f = p(ctx, 't');
      fs.writeFileSync(f, bytes(10_000, 2));
      fs.truncateSync(f, 100);
      ctx.noteStat('shrunk', f);
      fs.truncateSync(f, 5000);
      ctx.noteStat('grown', f);
      const fd = fs.openSync(f, 'r+');
      fs.ftruncateSync(fd, 10);
      fs.writeSync(fd, 'x', 20);
      fs.closeSync(fd);
      ctx.noteStat('ftruncated then written past end', f);
      fs.writeFileSync(f, 'short'); // O_TRUNC
      ctx.noteStat('O_TRUNC', f);
      ctx.attempt('truncate dir', () => fs.truncateSync(ctx.dir, 0));
    },
  },
  {
    name: 'sparse holes read as zeros',
    body(ctx) {
      const f = p(ctx, 'sparse');
      const fd = fs.openSync(f, 'w');
      fs.writeSync(fd, 'end', 1_000_000);
      fs.writeSync(fd, 'mid', 300_000);
      fs.closeSync(fd);
      const b = fs.readFileSync(f);
      ctx.note('size', b.length);
      ctx.note('nonzero bytes', [...b.entries()].filter(([, v]) => v !== 0).map(([i]) => i));
    },
  },
  {
    name: 'rename',
    body(ctx) {
      fs.writeFileSync(p(ctx, 'a'), 'A');
      fs.writeFileSync(p(ctx, 'b'), 'B');
      fs.renameSync(p(ctx, 'a'), p(ctx, 'b'));
      ctx.noteStat('a after rename over b', p(ctx, 'a'));
      ctx.noteStat('b after rename over b', p(ctx, 'b'));
      fs.mkdirSync(p(ctx, 'd1/sub'), { recursive: true });
      fs.writeFileSync(p(ctx, 'd1/sub/f'), 'deep');
      fs.mkdirSync(p(ctx, 'd2'));
      fs.renameSync(p(ctx, 'd1'), p(ctx, 'd2')); // over an empty dir
      ctx.noteStat('d2/sub/f', p(ctx, 'd2/sub/f'));
      fs.mkdirSync(p(ctx, 'full'));
      fs.writeFileSync(p(ctx, 'full/x'), '');
      ctx.attempt('dir over non-empty dir', () => fs.renameSync(p(ctx, 'd2'), p(ctx, 'full')));
      ctx.attempt('dir over file', () => fs.renameSync(p(ctx, 'd2'), p(ctx, 'b')));
      ctx.attempt('file over dir', () => fs.renameSync(p(ctx, 'b'), p(ctx, 'd2')));
      ctx.attempt('dir into itself', () => fs.renameSync(p(ctx, 'd2'), p(ctx, 'd2/sub/x')));
      ctx.attempt('missing source', () => fs.renameSync(p(ctx, 'nope'), p(ctx, 'x')));
      ctx.attempt('onto itself', () => fs.renameSync(p(ctx, 'b'), p(ctx, 'b')));
      // An open file keeps its content through a rename.
      const fd = fs.openSync(p(ctx, 'b'), 'r+');
      fs.renameSync(p(ctx, 'b'), p(ctx, 'd2/moved'));
      fs.writeSync(fd, 'written after rename', 1);
      const buf = Buffer.alloc(64);
      ctx.note('read through fd', buf.toString('utf8', 0, fs.readSync(fd, buf, 0, 64, 0)));
      fs.closeSync(fd);
      ctx.noteStat('moved', p(ctx, 'd2/moved'));
      ctx.note('listing', fs.readdirSync(ctx.dir).sort());
    },
  },
  {
    name: 'unlink of an open file',
    body(ctx) {
      const f = p(ctx, 'open');
      fs.writeFileSync(f, 'still here');
      const fd = fs.openSync(f, 'r+');
      fs.unlinkSync(f);
      ctx.noteStat('after unlink', f);
      fs.writeSync(fd, ' and more', 10);
      const buf = Buffer.alloc(64);
      ctx.note('read through fd', buf.toString('utf8', 0, fs.readSync(fd, buf, 0, 64, 0)));
      ctx.note('fstat size', fs.fstatSync(fd).size);
      fs.closeSync(fd);
      fs.writeFileSync(f, 'new');
      ctx.noteStat('recreated', f);
      ctx.attempt('unlink missing', () => fs.unlinkSync(f + 'x'));
      ctx.attempt('unlink dir', () => fs.unlinkSync(ctx.dir));
    },
  },
  {
    name: 'mkdir and rmdir',
    body(ctx) {
      fs.mkdirSync(p(ctx, 'd'));
      ctx.attempt('mkdir existing', () => fs.mkdirSync(p(ctx, 'd')));
      ctx.attempt('mkdir missing parent', () => fs.mkdirSync(p(ctx, 'no/d')));
      fs.writeFileSync(p(ctx, 'd/f'), '');
      ctx.attempt('rmdir non-empty', () => fs.rmdirSync(p(ctx, 'd')));
      ctx.attempt('rmdir file', () => fs.rmdirSync(p(ctx, 'd/f')));
      fs.unlinkSync(p(ctx, 'd/f'));
      ctx.attempt('rmdir empty', () => fs.rmdirSync(p(ctx, 'd')));
      ctx.attempt('rmdir missing', () => fs.rmdirSync(p(ctx, 'd')));
      fs.mkdirSync(p(ctx, 'a/b/c'), { recursive: true });
      ctx.note('readdir', fs.readdirSync(p(ctx, 'a'), { withFileTypes: true }).map((e) => [e.name, e.isDirectory()]));
    },
  },
  {
    name: 'error codes',
    body(ctx) {
      fs.writeFileSync(p(ctx, 'file'), 'x');
      fs.mkdirSync(p(ctx, 'dir'));
      ctx.attempt('ENAMETOOLONG create', () => fs.writeFileSync(p(ctx, 'n'.repeat(256)), ''));
      ctx.attempt('ENAMETOOLONG stat', () => fs.statSync(p(ctx, 'n'.repeat(256))));
      ctx.attempt('255-byte name', () => fs.writeFileSync(p(ctx, 'n'.repeat(255)), ''));
      ctx.attempt('ENOENT stat', () => fs.statSync(p(ctx, 'none')));
      ctx.attempt('ENOENT in missing dir', () => fs.writeFileSync(p(ctx, 'none/x'), ''));
      ctx.attempt('ENOTDIR through file', () => fs.statSync(p(ctx, 'file/x')));
      ctx.attempt('ENOTDIR readdir file', () => fs.readdirSync(p(ctx, 'file')));
      ctx.attempt('EISDIR write dir', () => fs.writeFileSync(p(ctx, 'dir'), 'x'));
      ctx.attempt('EISDIR read dir', () => fs.readFileSync(p(ctx, 'dir')));
      ctx.attempt('EEXIST mkdir over file', () => fs.mkdirSync(p(ctx, 'file')));
      ctx.attempt('EEXIST exclusive create', () => fs.writeFileSync(p(ctx, 'dir'), '', { flag: 'wx' }));
    },
  },
  {
    name: 'symlink and readlink',
    body(ctx) {
      fs.writeFileSync(p(ctx, 'target'), 'T');
      fs.symlinkSync('target', p(ctx, 'rel'));
      fs.symlinkSync('no/such/place', p(ctx, 'dangling'));
      ctx.noteStat('rel', p(ctx, 'rel'));
      ctx.attempt('readlink', () => fs.readlinkSync(p(ctx, 'dangling')), true);
      ctx.attempt('read through link', () => fs.readFileSync(p(ctx, 'rel'), 'utf8'), true);
      ctx.attempt('stat dangling', () => fs.statSync(p(ctx, 'dangling')));
      ctx.attempt('symlink over existing', () => fs.symlinkSync('x', p(ctx, 'rel')));
      ctx.attempt('readlink of file', () => fs.readlinkSync(p(ctx, 'target')));
      fs.renameSync(p(ctx, 'rel'), p(ctx, 'rel2'));
      ctx.noteStat('renamed link', p(ctx, 'rel2'));
    },
  },
  {
    name: 'hard links and nlink',
    body(ctx) {
      fs.writeFileSync(p(ctx, 'a'), 'shared');
      fs.linkSync(p(ctx, 'a'), p(ctx, 'b'));
      ctx.noteStat('a', p(ctx, 'a'));
      ctx.note('same inode', fs.statSync(p(ctx, 'a')).ino === fs.statSync(p(ctx, 'b')).ino);
      fs.appendFileSync(p(ctx, 'b'), ' and changed');
      ctx.noteStat('a after write via b', p(ctx, 'a'));
      fs.unlinkSync(p(ctx, 'a'));
      ctx.noteStat('b after unlink a', p(ctx, 'b'));
      ctx.attempt('link to dir', () => fs.linkSync(ctx.dir, p(ctx, 'dl')));
      ctx.attempt('link over existing', () => fs.linkSync(p(ctx, 'b'), p(ctx, 'b')));
    },
  },
  {
    // Each step changes the file through one name and looks through another, right after:
    // a mount that caches attributes (pond caches single-link files) must never show the
    // other name's old size, mode, times or link count, also after going back to one link.
    name: 'hard links: attributes through the other name',
    body(ctx) {
      const [a, b, c] = [p(ctx, 'a'), p(ctx, 'b'), p(ctx, 'c')];
      // stat only: reading content would make the kernel ask again anyway (atime).
      const attrs = (f: string): unknown => {
        const st = fs.statSync(f);
        return { ...statFields(st), mtime: st.mtimeMs };
      };
      fs.writeFileSync(a, 'one');
      fs.utimesSync(a, 500_000, 600_000);
      ctx.note('a alone', attrs(a)); // a single-link file: its attributes may now be cached
      fs.linkSync(a, b);
      ctx.note('a after link', attrs(a));
      fs.appendFileSync(b, ' two');
      fs.utimesSync(b, 700_000, 800_000);
      ctx.note('a after write via b', attrs(a));
      fs.chmodSync(a, 0o600);
      ctx.note('b after chmod via a', attrs(b));
      fs.utimesSync(b, 1_000_000, 2_000_000);
      ctx.note('a after utimes via b', attrs(a));
      fs.truncateSync(a, 2);
      fs.utimesSync(a, 1_000_000, 2_500_000);
      ctx.note('b after truncate via a', attrs(b));
      fs.unlinkSync(b);
      ctx.note('a after unlink b', attrs(a));
      ctx.note('a again', attrs(a));
      fs.appendFileSync(a, 'xyz');
      fs.utimesSync(a, 3_000_000, 3_500_000);
      ctx.note('a after write, one link again', attrs(a));
      fs.chmodSync(a, 0o640);
      fs.utimesSync(a, 3_000_000, 4_000_000);
      ctx.note('a after chmod and utimes', attrs(a));
      // A name unlinked while open, with another name left: writes through either side.
      fs.linkSync(a, c);
      const fd = fs.openSync(c, 'r+');
      fs.unlinkSync(c);
      ctx.note('a after unlink c', attrs(a));
      fs.writeSync(fd, 'through the fd', 0);
      ctx.note('a size after write via unlinked c', fs.statSync(a).size);
      fs.appendFileSync(a, '!');
      ctx.note('fstat size of unlinked c after write via a', fs.fstatSync(fd).size);
      fs.closeSync(fd);
      fs.renameSync(a, b);
      fs.writeFileSync(a, 'new a');
      ctx.noteStat('b after rename from a', b);
      ctx.noteStat('new a', a);
    },
  },
  {
    // A fixed pseudo-random walk over four names: writes, truncates, chmods, links,
    // unlinks, renames and writes through fds kept open across them, with every name
    // stat'ed (stat only) after each step. Finds stale attributes in orders nobody thought of.
    name: 'hard links: random sequence, every name after every step',
    body(ctx) {
      let seed = 0x9e3779b9;
      const rnd = (n: number): number => {
        seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
        return seed % n;
      };
      const names = ['a', 'b', 'c', 'd'].map((n) => p(ctx, n));
      const pick = (): string => names[rnd(names.length)]!;
      const fds: number[] = [];
      const view = (): unknown => names.map((f) => {
        try {
          const st = fs.statSync(f);
          return `${st.size}/${(st.mode & 0o777).toString(8)}/${st.nlink}`;
        } catch (err) {
          return (err as NodeJS.ErrnoException).code;
        }
      });
      for (let step = 0; step < 150; step++) {
        const [x, y] = [pick(), pick()];
        const op = rnd(9);
        const label = `${step} ${['write', 'truncate', 'chmod', 'link', 'unlink', 'rename', 'open', 'fd write', 'close'][op]} ${path.basename(x)} ${path.basename(y)}`;
        ctx.attempt(label, () => {
          if (op === 0) fs.appendFileSync(x, 'x'.repeat(1 + rnd(20)));
          else if (op === 1) fs.truncateSync(x, rnd(30));
          else if (op === 2) fs.chmodSync(x, [0o600, 0o640, 0o644, 0o700][rnd(4)]!);
          else if (op === 3) fs.linkSync(x, y);
          else if (op === 4) fs.unlinkSync(x);
          else if (op === 5) fs.renameSync(x, y);
          else if (op === 6 && fds.length < 2) fds.push(fs.openSync(x, 'r+'));
          else if (op === 7 && fds.length > 0) fs.writeSync(fds[rnd(fds.length)]!, 'y'.repeat(1 + rnd(20)), rnd(25));
          else if (op === 8 && fds.length > 0) fs.closeSync(fds.splice(rnd(fds.length), 1)[0]!);
        });
        ctx.note(`${step} names`, view());
        ctx.note(`${step} fds`, fds.map((fd) => fs.fstatSync(fd).size));
      }
      for (const fd of fds) fs.closeSync(fd);
    },
  },
  {
    name: 'chmod',
    body(ctx) {
      const f = p(ctx, 'f');
      fs.writeFileSync(f, '');
      for (const mode of [0o600, 0o755, 0o4711, 0o000]) {
        fs.chmodSync(f, mode);
        ctx.note(`mode ${mode.toString(8)}`, (fs.statSync(f).mode & 0o7777).toString(8));
      }
      fs.mkdirSync(p(ctx, 'd'), 0o700);
      ctx.note('mkdir mode', (fs.statSync(p(ctx, 'd')).mode & 0o777).toString(8));
      fs.writeFileSync(p(ctx, 'x'), '', { mode: 0o640 });
      ctx.note('create mode', (fs.statSync(p(ctx, 'x')).mode & 0o777).toString(8));
    },
  },
  {
    name: 'utimes',
    body(ctx) {
      const f = p(ctx, 'f');
      fs.writeFileSync(f, '');
      fs.utimesSync(f, new Date('2001-02-03T04:05:06.789Z'), new Date('2010-11-12T13:14:15.5Z'));
      const st = fs.statSync(f);
      ctx.note('atime ms', st.atimeMs);
      ctx.note('mtime ms', st.mtimeMs);
      fs.utimesSync(f, new Date('2001-02-03T04:05:06.789Z'), new Date('2001-02-03T04:05:06.789Z'));
      ctx.note('equal times', [fs.statSync(f).atimeMs, fs.statSync(f).mtimeMs]);
      fs.mkdirSync(p(ctx, 'd'));
      fs.utimesSync(p(ctx, 'd'), 1_000_000, 2_000_000);
      ctx.note('dir mtime', fs.statSync(p(ctx, 'd')).mtimeMs);
      // Only one of the two times (utimensat with UTIME_OMIT for the other).
      ctx.run('touch', ['-m', '-d', '2005-05-05T05:05:05.5Z', 'f']);
      ctx.note('touch -m', [fs.statSync(f).atimeMs, fs.statSync(f).mtimeMs]);
      ctx.run('touch', ['-a', '-d', '2006-06-06T06:06:06.25Z', 'f']);
      ctx.note('touch -a', [fs.statSync(f).atimeMs, fs.statSync(f).mtimeMs]);
    },
  },
  {
    name: 'xattrs (user namespace)',
    needs: ['python3'],
    feature: 'xattr',
    body(ctx) {
      // Node has no xattr API; Python's os module calls the syscalls directly.
      ctx.note('xattr ops', ctx.run('python3', ['-c', XATTR_SCRIPT, p(ctx, 'f')]));
    },
  },
  {
    name: 'file capabilities (security.capability)',
    needs: ['python3'],
    feature: 'caps',
    body(ctx) {
      ctx.note('caps ops', ctx.run('python3', ['-c', CAPS_SCRIPT]));
      for (const f of ['a', 'b', 'd']) ctx.noteStat(f, p(ctx, f));
    },
  },
  {
    name: 'editor atomic save',
    body(ctx) {
      const f = p(ctx, 'doc.txt');
      fs.writeFileSync(f, 'version 1\n');
      const fdKeep = fs.openSync(f, 'r'); // a reader holding the old file
      const tmp = p(ctx, '.doc.txt.swp');
      const fd = fs.openSync(tmp, 'w', 0o644);
      fs.writeSync(fd, 'version 2\n');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(tmp, f);
      const dfd = fs.openSync(ctx.dir, 'r');
      fs.fsyncSync(dfd);
      fs.closeSync(dfd);
      const buf = Buffer.alloc(32);
      ctx.note('old reader sees', buf.toString('utf8', 0, fs.readSync(fdKeep, buf, 0, 32, 0)));
      fs.closeSync(fdKeep);
      ctx.noteStat('saved', f);
      ctx.note('listing', fs.readdirSync(ctx.dir).sort());
    },
  },
  {
    name: 'git',
    needs: ['git'],
    body(ctx) {
      ctx.run('git', ['init', '-q', '-b', 'main', 'repo']);
      const repo = p(ctx, 'repo');
      fs.writeFileSync(path.join(repo, 'README'), 'hello\n');
      fs.mkdirSync(path.join(repo, 'src'));
      fs.writeFileSync(path.join(repo, 'src/big.bin'), bytes(200_000, 3));
      const git = (...args: string[]): string => ctx.run('git', ['-C', repo, ...args]);
      git('add', '-A');
      git('commit', '-q', '-m', 'first');
      fs.appendFileSync(path.join(repo, 'README'), 'more\n');
      git('commit', '-q', '-am', 'second');
      ctx.note('log', git('log', '--format=%H %s'));
      ctx.note('fsck', git('fsck', '--full', '--strict'));
      git('gc', '-q');
      ctx.note('fsck after gc', git('fsck', '--full'));
      ctx.note('status', git('status', '--porcelain'));
    },
  },
  {
    name: 'sqlite3 rollback journal and WAL',
    needs: ['sqlite3'],
    body(ctx) {
      for (const mode of ['delete', 'wal']) {
        const db = `${mode}.db`;
        const sql = [`PRAGMA journal_mode=${mode};`, 'PRAGMA synchronous=FULL;',
          'CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);'];
        for (let i = 0; i < 50; i++) sql.push(`BEGIN; INSERT INTO t(v) VALUES ('row ${i}'); COMMIT;`);
        sql.push("BEGIN; UPDATE t SET v = v || '!' WHERE id % 3 = 0; DELETE FROM t WHERE id % 7 = 0; COMMIT;");
        sql.push('CREATE INDEX tv ON t(v);', 'PRAGMA wal_checkpoint(TRUNCATE);');
        ctx.run('sqlite3', [db, sql.join('\n')]);
        ctx.note(`${mode} integrity`, ctx.run('sqlite3', [db, 'PRAGMA integrity_check;']));
        ctx.note(`${mode} rows`, ctx.run('sqlite3', [db, 'SELECT count(*), group_concat(v) FROM t;']));
      }
    },
  },
  {
    name: 'tar x then diff -r',
    needs: ['tar', 'diff'],
    body(ctx) {
      // Build a source tree in the case dir, archive it, extract it elsewhere, compare.
      const src = p(ctx, 'src');
      fs.mkdirSync(path.join(src, 'a/b'), { recursive: true });
      fs.writeFileSync(path.join(src, 'a/b/f.txt'), 'text\n');
      fs.writeFileSync(path.join(src, 'a/big'), bytes(1_000_000, 4));
      fs.writeFileSync(path.join(src, 'empty'), '');
      fs.chmodSync(path.join(src, 'empty'), 0o600);
      ctx.run('tar', ['cf', 'archive.tar', '-C', 'src', '.']);
      fs.mkdirSync(p(ctx, 'out'));
      ctx.run('tar', ['xf', 'archive.tar', '-C', 'out']);
      ctx.attempt('diff -r', () => ctx.run('diff', ['-r', 'src', 'out']), true);
      ctx.note('tree', treeSummary(p(ctx, 'out')));
    },
  },
  {
    name: 'rsync -a and cp -a',
    needs: ['rsync', 'cp'],
    body(ctx) {
      const src = p(ctx, 'src');
      fs.mkdirSync(path.join(src, 'd/e'), { recursive: true });
      fs.writeFileSync(path.join(src, 'd/e/f'), bytes(70_000, 5));
      fs.writeFileSync(path.join(src, 'x'), 'x');
      fs.chmodSync(path.join(src, 'x'), 0o751);
      ctx.run('rsync', ['-a', 'src/', 'rs/']);
      ctx.run('cp', ['-a', 'src', 'cp']);
      ctx.note('rsync tree', treeSummary(p(ctx, 'rs')));
      ctx.note('cp tree', treeSummary(p(ctx, 'cp')));
      fs.writeFileSync(path.join(src, 'x'), 'changed');
      ctx.run('rsync', ['-a', '--checksum', 'src/', 'rs/']);
      ctx.noteStat('rsync update', p(ctx, 'rs/x'));
      ctx.attempt('diff -r', () => ctx.run('diff', ['-r', 'src', 'rs']), true);
    },
  },
];
