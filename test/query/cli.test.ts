import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, pond as run } from '../cli/harness.js';
import { buildHistory, tempDir } from './fixture.js';

// pond sql and pond diff through the real binary, over the fixture's known history.

const tmp = tempDir();
const P = join(tmp.dir, 'pond');
afterAll(() => tmp.cleanup());

/** `--at 1 --csv`, with a quoted field and a null. */
const AT_CSV = [
  'path,kind,s,n',
  ...['/b.bin,file', '/docs,directory', '/docs/a.txt,file', '/link,symlink'].map((r) => `${r},"a,""b""",`),
  '',
].join('\n');

/** The commit time of version 3, ISO-8601. */
let t3 = '';
beforeAll(async () => {
  const p = await buildHistory(P);
  const infos = await p.oplog.table.commitInfos(3, 3);
  t3 = new Date(infos[0]!.timestamp).toISOString();
  await p.close();
});

describe('pond sql', () => {
  it('prints an aligned table, CSV, or JSON objects; --at shows a past version', async () => {
    const q = `SELECT path, kind, size, version_changed FROM files ORDER BY path`;
    const [table, csv, json, at, times] = await Promise.all([
      ok(P, ['sql', q]),
      ok(P, ['sql', '--csv', q]),
      ok(P, ['sql', '--json', q]),
      ok(P, ['sql', '--at', '1', '--csv', `SELECT path, kind, 'a,"b"' AS s, NULL AS n FROM files ORDER BY path`]),
      ok(P, ['sql', '--json', `SELECT time, version, 12345678901234567::BIGINT AS big, 'a,"b"' AS s FROM commits WHERE version = 1`]),
    ]);
    expect(table.stdout).toBe([
      'path           kind       size  version_changed',
      '/hard          file         11                6',
      '/papers        directory     0                6',
      '/papers/a.txt  file          2                6',
      '/papers/b.bin  file          6                2',
      '',
    ].join('\n'));
    expect(csv.stdout).toBe('path,kind,size,version_changed\n/hard,file,11,6\n/papers,directory,0,6\n/papers/a.txt,file,2,6\n/papers/b.bin,file,6,2\n');
    expect(JSON.parse(json.stdout)).toEqual([
      { path: '/hard', kind: 'file', size: 11, version_changed: 6 },
      { path: '/papers', kind: 'directory', size: 0, version_changed: 6 },
      { path: '/papers/a.txt', kind: 'file', size: 2, version_changed: 6 },
      { path: '/papers/b.bin', kind: 'file', size: 6, version_changed: 2 },
    ]);
    expect(at.stdout).toBe(AT_CSV);
    const [row] = JSON.parse(times.stdout) as Array<Record<string, unknown>>;
    // Times are ISO-8601 UTC; a BIGINT past 2^53 stays exact as a string.
    expect(row).toEqual({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), version: 1, big: '12345678901234567', s: 'a,"b"' });
  });

  it('a bad query prints DuckDB\'s message on one line and exits 1; bad usage exits 2', async () => {
    const [bad, both, noVersion] = await Promise.all([
      run(P, ['sql', 'SELEC * FROM files']),
      run(P, ['sql', '--csv', '--json', 'SELECT 1']),
      run(P, ['sql', '--at', '99', 'SELECT 1']),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^pond: Parser Error: syntax error at or near "SELEC"[^\n]*\n$/);
    expect(both.code).toBe(2);
    expect(noVersion.code).toBe(1);
  });

  it('--help documents the views', async () => {
    const help = await ok(P, ['sql', '--help']);
    for (const word of ['files', 'files_at(V)', 'history', 'commits', 'records', 'version_created', 'old_path', 'bytes_added']) {
      expect(help.stdout).toContain(word);
    }
  });
});

describe('pond diff', () => {
  it('lists added, deleted, modified and renamed paths with sizes, between versions or times', async () => {
    const [d13, d36, stat, json, under, byTime, bad] = await Promise.all([
      ok(P, ['diff', '1', '3']),
      ok(P, ['diff', '3', '6']),
      ok(P, ['diff', '--stat', '1', '3']),
      ok(P, ['diff', '--json', '4', '6', '/papers']),
      ok(P, ['diff', '1', '6', '/docs']),
      ok(P, ['diff', '1', t3]),
      run(P, ['diff', '1', '99']),
    ]);
    expect(byTime.stdout).toBe(d13.stdout);
    expect(bad.code).toBe(1);
    // Sorted by the path at B; renames are node identity (no content guessing).
    expect(d13.stdout).toBe([
      'M  /docs/a.txt            6 -> 11',
      'R  /b.bin -> /docs/b.bin  6',
      'A  /hard                  11',
      'A  /tmp/',
      'A  /tmp/t                 1',
      '',
    ].join('\n'));
    // /docs/a.txt's node lives on only as /hard; /papers/a.txt is another node (was c.txt).
    expect(d36.stdout).toBe([
      'D  /docs/a.txt                   11',
      'D  /link                         10',
      'R  /docs -> /papers/',
      'A  /papers/a.txt                 2',
      'R  /docs/b.bin -> /papers/b.bin  6',
      'D  /tmp/',
      'D  /tmp/t                        1',
      '',
    ].join('\n'));
    expect(stat.stdout).toBe('5 paths changed: 3 added, 0 deleted, 1 modified, 1 renamed; +17 -0 bytes\n');
    expect(JSON.parse(json.stdout)).toEqual([
      { status: 'modified', path: '/papers/a.txt', old_path: null, kind: 'file', old_size: 11, new_size: 2,
        old_sha256: expect.any(String), new_sha256: expect.any(String), content_changed: true },
    ]);
    expect(under.stdout).toBe('D  /docs/\nD  /docs/a.txt  6\n');
  });

  it('--patch shows unified diffs of text files and notes binary ones', async () => {
    const [p12, p01] = await Promise.all([
      ok(P, ['diff', '--patch', '1', '2']),
      ok(P, ['diff', '--patch', '0', '1']),
    ]);
    expect(p12.stdout).toBe([
      'diff --pond a/docs/a.txt b/docs/a.txt',
      '--- a/docs/a.txt',
      '+++ b/docs/a.txt',
      '@@ -1 +1,2 @@',
      ' alpha',
      '+beta',
      'diff --pond a/b.bin b/docs/b.bin',
      'rename from /b.bin',
      'rename to /docs/b.bin',
      '',
    ].join('\n'));
    expect(p01.stdout).toBe([
      'diff --pond a/b.bin b/b.bin',
      'Binary files /dev/null and b/b.bin differ',
      'diff --pond a/docs/a.txt b/docs/a.txt',
      '--- /dev/null',
      '+++ b/docs/a.txt',
      '@@ -0,0 +1 @@',
      '+alpha',
      'diff --pond a/link b/link',
      '--- /dev/null',
      '+++ b/link',
      '@@ -0,0 +1 @@',
      '+docs/a.txt',
      '\\ No newline at end of file',
      '',
    ].join('\n'));
  });
});
