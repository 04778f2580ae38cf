import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editScript, splitLines, unifiedHunks } from '../../src/query/unifiedDiff.js';

/** Applies hunks to `a` (as `patch` would), to check that they turn it into `b`. */
function apply(a: string, hunks: string[]): string {
  const lines = splitLines(a);
  const out: string[] = [];
  let i = 0;
  let pendingNoEol = false;
  for (const h of hunks) {
    const m = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(h);
    if (m) {
      const start = Number(m[1]) - (m[2] === '0' ? 0 : 1);
      while (i < start) out.push(lines[i++]!);
      continue;
    }
    if (h.startsWith('\\')) {
      if (pendingNoEol) out[out.length - 1] += '\u0000';
      continue;
    }
    pendingNoEol = h[0] !== '-';
    if (h[0] === ' ') { out.push(h.slice(1)); i++; } else if (h[0] === '-') i++; else out.push(h.slice(1));
  }
  while (i < lines.length) out.push(lines[i++]!);
  return out.map((l) => (l.endsWith('\u0000') ? l.slice(0, -1) : `${l}\n`)).join('');
}

describe('unified diff', () => {
  it('prints hunks as diff -u does', () => {
    expect(unifiedHunks('a\nb\nc\n', 'a\nb\nc\n')).toEqual([]);
    expect(unifiedHunks('alpha\n', 'alpha\nbeta\n')).toEqual(['@@ -1 +1,2 @@', ' alpha', '+beta']);
    expect(unifiedHunks('', 'x')).toEqual(['@@ -0,0 +1 @@', '+x', '\\ No newline at end of file']);
    expect(unifiedHunks('x\n', '')).toEqual(['@@ -1 +0,0 @@', '-x']);
    expect(unifiedHunks('a\nb', 'a\nb\n')).toEqual(['@@ -1,2 +1,2 @@', ' a', '-b', '\\ No newline at end of file', '+b']);
    const a = Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join('');
    const b = a.replace('line 2\n', 'two\n').replace('line 17\n', '');
    expect(unifiedHunks(a, b)).toEqual([
      '@@ -1,6 +1,6 @@', ' line 0', ' line 1', '-line 2', '+two', ' line 3', ' line 4', ' line 5',
      '@@ -15,6 +15,5 @@', ' line 14', ' line 15', ' line 16', '-line 17', ' line 18', ' line 19',
    ]);
  });

  it('finds a shortest edit script, and its hunks turn a into b', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 40 }).chain((ls) =>
      fc.boolean().map((eol) => ls.join('\n') + (ls.length && eol ? '\n' : '')));
    fc.assert(fc.property(text, text, (a, b) => {
      expect(apply(a, unifiedHunks(a, b))).toBe(b);
      const edits = editScript(splitLines(a), splitLines(b));
      const changes = edits.filter((e) => e.op !== ' ').length;
      // No script is shorter than one through a longest common subsequence.
      expect(changes).toBe(splitLines(a).length + splitLines(b).length - 2 * lcs(splitLines(a), splitLines(b)));
    }), { numRuns: 300 });
  });
});

function lcs(a: string[], b: string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) dp[i]![j] = a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
  }
  return dp[a.length]![b.length]!;
}
