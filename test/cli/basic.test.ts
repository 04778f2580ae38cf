import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOW, log, ok, pond, tempDir } from './harness.js';

// One pond, many commands: each subprocess costs a Node startup, so assertions are
// batched and independent reads run in parallel.

const tmp = tempDir();
const P = join(tmp.dir, 'pond');
afterAll(() => tmp.cleanup());

describe('pond CLI: namespace commands, reads, log', { timeout: SLOW }, () => {
  let t1 = '';
  beforeAll(async () => {
    await ok(P, ['init']);
    await ok(P, ['mkdir', '/docs']); // v1
    await ok(P, ['write', '/docs/a.txt'], 'version one\n'); // v2
    t1 = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await ok(P, ['write', '/docs/a.txt'], 'version two\n'); // v3
  }, SLOW);

  it('init, mkdir, write, cat, ls, --at by version and by time', async () => {
    const [cat, cat2, at2, atTime, ls, lsl, json, atV1] = await Promise.all([
      ok(P, ['cat', '/docs/a.txt']),
      ok(P, ['cat', 'docs/a.txt']),
      ok(P, ['cat', '--at', '2', '/docs/a.txt']),
      ok(P, ['cat', '--at', t1, '/docs/a.txt']),
      ok(P, ['ls', '/']),
      ok(P, ['ls', '-l', '/docs']),
      ok(P, ['ls', '--json', '-R', '/']),
      ok(P, ['ls', '--at', '1', '/docs']),
    ]);
    expect(cat.stdout).toBe('version two\n');
    expect(cat2.stdout).toBe('version two\n');
    expect(at2.stdout).toBe('version one\n');
    expect(atTime.stdout).toBe('version one\n');
    expect(ls.stdout).toBe('docs\n');
    expect(lsl.stdout).toMatch(/^-rw-r--r--\s+1\s+\d+\s+\d+\s+12\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+a\.txt\n$/);
    const entries = JSON.parse(json.stdout) as Array<{ path: string; kind: string; size: number; mode: number }>;
    expect(entries.map((e) => [e.path, e.kind])).toEqual([['/docs', 'directory'], ['/docs/a.txt', 'file']]);
    expect(entries[1]!.size).toBe(12);
    expect(atV1.stdout).toBe('');
  });

  it('errors: missing pond, missing path, long names, bad usage, bad version', async () => {
    const none = join(tmp.dir, 'nothing');
    const long = 'x'.repeat(256);
    // Writers one at a time (they take the lock), readers in parallel.
    const writers = [];
    for (const args of [['write', '/no/such/dir/f'], ['mkdir', `/${long}`], ['write', `/docs/${'é'.repeat(128)}`]]) {
      writers.push(await pond(P, args, 'x'));
    }
    const [write, mk, write2] = writers;
    const rs = await Promise.all([
      pond(none, ['ls', '/']),
      pond(none, ['mkdir', '/a']),
      pond(P, ['cat', '/nope']),
      pond(P, ['ls', '/nope']),
      pond(P, ['cat', '--at', '99', '/docs/a.txt']),
      pond(P, ['cat', '--at', 'yesterday', '/docs/a.txt']),
      pond(P, ['frobnicate']),
      pond(P, ['cat']),
      pond(undefined, ['ls']),
      pond(P, ['cat', '/docs']),
      pond(P, ['log', '/docs']),
    ]);
    const [noPond, noPondW, cat, ls, badV, badT, unknown, missingArg, noFlag, catDir, pathLog] = rs;
    for (const r of [...rs, ...writers]) {
      expect(r.stderr).not.toMatch(/\n\s+at /); // never a stack trace
    }
    expect(noPond).toMatchObject({ code: 1 });
    expect(noPond.stderr).toMatch(/^pond: no pond at .*nothing \(ENOENT\)\n$/);
    expect(noPondW.code).toBe(1);
    expect(noPondW.stderr).toMatch(/no pond at/);
    expect(cat.code).toBe(1);
    expect(cat.stderr).toMatch(/no such file or directory: \/nope/);
    expect(ls.code).toBe(1);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/cannot write \/no\/such\/dir\/f: its directory does not exist/);
    expect(mk.code).toBe(1);
    expect(mk.stderr).toMatch(/ENAMETOOLONG/);
    expect(write2.code).toBe(1);
    expect(write2.stderr).toMatch(/ENAMETOOLONG/);
    expect(badV.code).toBe(1);
    expect(badV.stderr).toMatch(/version 99 does not exist/);
    expect(badT.code).toBe(2);
    expect(unknown.code).toBe(2);
    expect(missingArg.code).toBe(2);
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toMatch(/--pond DIR or set POND/);
    expect(catDir.code).toBe(1);
    expect(catDir.stderr).toMatch(/EISDIR/);
    // `pond log PATH` belongs to the query layer: either it works or it says so.
    if (pathLog.code !== 0) expect(pathLog.stderr).toMatch(/pond log PATH: not available yet/);
    // None of that changed the pond.
    expect((await log(P)).length).toBe(4);
  });

  it('mv, ln, ln -s, rm, rm -r, and log --json', async () => {
    await ok(P, ['mkdir', '-p', '/a/b/c']);
    await ok(P, ['mkdir', '-p', '/a/b']); // exists: fine with -p
    expect((await pond(P, ['mkdir', '/a'])).code).toBe(1);
    await ok(P, ['mv', '/docs/a.txt', '/a/b']); // into a directory
    await ok(P, ['mv', '/a/b/a.txt', '/a/b/renamed.txt']);
    await ok(P, ['ln', '/a/b/renamed.txt', '/hard.txt']);
    await ok(P, ['ln', '-s', 'a/b/renamed.txt', '/sym']);
    const [viaHard, viaSym, lsl, rmNonEmpty] = await Promise.all([
      ok(P, ['cat', '/hard.txt']),
      ok(P, ['cat', '/sym']),
      ok(P, ['ls', '-l', '/']),
      pond(P, ['rm', '/a']),
    ]);
    expect(viaHard.stdout).toBe('version two\n');
    expect(viaSym.stdout).toBe('version two\n');
    expect(lsl.stdout).toMatch(/-rw-r--r--\s+2 .* hard\.txt\n/);
    expect(lsl.stdout).toMatch(/lrwxrwxrwx .* sym -> a\/b\/renamed\.txt\n/);
    expect(rmNonEmpty.code).toBe(1);
    expect(rmNonEmpty.stderr).toMatch(/directory not empty: \/a/);
    await ok(P, ['rm', '/a/b/c']); // empty directory
    await ok(P, ['rm', '/sym']);
    await ok(P, ['rm', '-r', '/a']);
    const [ls, hard, missing] = await Promise.all([ok(P, ['ls', '/']), ok(P, ['cat', '/hard.txt']), pond(P, ['rm', '/a'])]);
    expect(ls.stdout).toBe('docs\nhard.txt\n');
    expect(hard.stdout).toBe('version two\n');
    expect(missing.code).toBe(1);

    const entries = await log(P);
    expect(entries.map((e) => e.version)).toEqual([...Array(entries.length).keys()].reverse());
    for (const e of entries) {
      expect(typeof e.version).toBe('number');
      expect(typeof e.summary).toBe('string');
      expect(new Date(e.time).toISOString()).toBe(e.time);
    }
    expect(entries.at(-1)!.summary).toBe('create pond');
    expect(entries[0]!.summary).toMatch(/^rm -r \/a: /);
    const text = (await ok(P, ['log'])).stdout.split('\n');
    expect(text[0]).toMatch(new RegExp(`^${entries[0]!.version}\\s+${entries[0]!.time.replace(/\./g, '\\.')}\\s+rm -r /a: `));
  });

  it('show, status, maintain, and the writer lock', async () => {
    const [show, showJson, status] = await Promise.all([
      ok(P, ['show', '3']),
      ok(P, ['show', '--json', '3']),
      ok(P, ['status', '--json']),
    ]);
    expect(show.stdout).toMatch(/^version 3 .* write \/docs\/a\.txt: /);
    expect(show.stdout).toMatch(/update\s+file\s+.*inline, sha256 [0-9a-f]{16}/);
    const js = JSON.parse(showJson.stdout) as { version: number; records: Array<Record<string, unknown>> };
    expect(js.version).toBe(3);
    const fileRow = js.records.find((r) => r.kind === 'file' && r.name === null)!;
    expect(fileRow).toMatchObject({ op: 'update', size: 12, storage: 'inline' });
    expect(fileRow).not.toHaveProperty('content');
    const st = JSON.parse(status.stdout) as { version: number; tree: { files: number; directories: number; bytes: number }; lock: unknown };
    expect(st.tree).toMatchObject({ files: 1, directories: 2, bytes: 12 });
    expect(st.lock).toBeNull();

    const before = (await log(P)).length;
    const m = await ok(P, ['maintain']);
    expect(m.stdout).toMatch(/compaction: \d+ partitions/);
    expect(m.stdout).toMatch(/checkpoint: written at version/);
    const [after, cat, check] = await Promise.all([log(P), ok(P, ['cat', '--at', '2', '/docs/a.txt']), ok(P, ['check'])]);
    expect(after.length).toBe(before + 1);
    expect(cat.stdout).toBe('version one\n');
    expect(check.stdout).toMatch(/no problems found/);

    // A live writer holds the lock (this test process): writers are refused, readers work.
    writeFileSync(join(P, 'lock'), JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), since: 'now', what: 'pond mount' }));
    const [w, r, s] = await Promise.all([pond(P, ['mkdir', '/z']), pond(P, ['ls', '/']), ok(P, ['status'])]);
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/pond is in use by pond mount \(pid \d+/);
    expect(r.code).toBe(0);
    expect(s.stdout).toMatch(/lock\s+held by pond mount/);
  });
});
