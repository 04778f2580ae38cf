// A unified diff of two texts, line by line: Myers' O(ND) shortest edit script, then hunks
// with `context` lines around each change, as `diff -u` prints them.

type Edit = { op: ' ' | '-' | '+'; line: string };

/** Past this many differences the edit script is not searched: all of a out, all of b in. */
const MAX_D = 20_000;

/** The shortest edit script from `a` to `b` (Myers 1986, forward search with a trace). */
export function editScript(a: readonly string[], b: readonly string[]): Edit[] {
  // Common prefix and suffix cost nothing and shrink the search.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const middle = myers(A, B);
  return [
    ...a.slice(0, pre).map((line): Edit => ({ op: ' ', line })),
    ...middle,
    ...a.slice(a.length - suf).map((line): Edit => ({ op: ' ', line })),
  ];
}

function myers(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  if (n === 0 || m === 0) return replaceAll(a, b);
  const off = max + 1;
  // The trace keeps one array per step: bound it to about 64 MiB.
  const maxD = Math.min(max, MAX_D, Math.floor(16_000_000 / (2 * max + 3)));
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= maxD; d++) {
    trace.push(v.slice());
    const next = v;
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      next[off + k] = x;
      if (x >= n && y >= m) { found = d; break; }
    }
    v = next;
    if (found >= 0) break;
  }
  if (found < 0) return replaceAll(a, b);
  // Walk the trace back from (n, m).
  const out: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const pv = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && pv[off + k - 1]! < pv[off + k + 1]!) ? k + 1 : k - 1;
    const px = pv[off + prevK]!;
    const py = px - prevK;
    while (x > px && y > py) { out.push({ op: ' ', line: a[--x]! }); y--; }
    if (x === px) out.push({ op: '+', line: b[--y]! });
    else out.push({ op: '-', line: a[--x]! });
  }
  while (x > 0 && y > 0) { out.push({ op: ' ', line: a[--x]! }); y--; }
  return out.reverse();
}

function replaceAll(a: readonly string[], b: readonly string[]): Edit[] {
  return [...a.map((line): Edit => ({ op: '-', line })), ...b.map((line): Edit => ({ op: '+', line }))];
}

/** Marks a last line without its newline, so it differs from the same text with one. */
const NO_EOL = '\u0000';

/** Splits text into lines; a last line without a newline ends with NO_EOL. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += NO_EOL;
  return lines;
}

/** The hunks of a unified diff (without the ---/+++ header); empty when the texts are equal. */
export function unifiedHunks(aText: string, bText: string, context = 3): string[] {
  const edits = editScript(splitLines(aText), splitLines(bText));
  const out: string[] = [];
  let i = 0;
  while (i < edits.length) {
    while (i < edits.length && edits[i]!.op === ' ') i++;
    if (i >= edits.length) break;
    // A hunk runs from `context` lines before this change to `context` after the last
    // change that follows the previous one within 2 * context lines.
    const start = Math.max(0, i - context);
    let end = i;
    for (;;) {
      while (end < edits.length && edits[end]!.op !== ' ') end++;
      let gap = end;
      while (gap < edits.length && edits[gap]!.op === ' ') gap++;
      if (gap < edits.length && gap - end <= 2 * context) { end = gap; continue; }
      end = Math.min(edits.length, end + context);
      break;
    }
    let aLine = 0;
    let bLine = 0;
    for (let j = 0; j < start; j++) {
      if (edits[j]!.op !== '+') aLine++;
      if (edits[j]!.op !== '-') bLine++;
    }
    const body: string[] = [];
    let aCount = 0;
    let bCount = 0;
    for (let j = start; j < end; j++) {
      const e = edits[j]!;
      if (e.op !== '+') aCount++;
      if (e.op !== '-') bCount++;
      if (e.line.endsWith(NO_EOL)) body.push(`${e.op}${e.line.slice(0, -1)}`, '\\ No newline at end of file');
      else body.push(`${e.op}${e.line}`);
    }
    out.push(`@@ -${range(aLine, aCount)} +${range(bLine, bCount)} @@`, ...body);
    i = end;
  }
  return out;
}

function range(startIndex: number, count: number): string {
  const first = count === 0 ? startIndex : startIndex + 1;
  return count === 1 ? String(first) : `${first},${count}`;
}
