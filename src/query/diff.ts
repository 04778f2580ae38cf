import type { QueryEngine } from './QueryEngine.js';
import { sqlString } from './views.js';

export type DiffStatus = 'added' | 'deleted' | 'modified' | 'renamed';

export interface DiffEntry {
  status: DiffStatus;
  /** The path at B (deleted: the path at A). */
  path: string;
  /** Renamed: the path at A; else null. */
  old_path: string | null;
  /** The kind at B (deleted: at A). */
  kind: string;
  old_size: number | null;
  new_size: number | null;
  old_sha256: string | null;
  new_sha256: string | null;
  /** Renamed or modified: whether the content (or symlink target, or kind) differs. */
  content_changed: boolean;
}

interface Side { path: string; kind: string; size: number | null; sha256: string | null; mode: number; target: string | null; node_id: string }

const COLS = 'path, kind, size, sha256, mode, target, node_id';

/**
 * What changed between the trees at versions `a` and `b` (both at most the engine's
 * version), under `under` when given: paths only at B are added, only at A deleted, at
 * both with other content, mode or node modified; an added and a deleted path of the same
 * node are one rename (the pond knows node identity, so no content guessing). By path.
 */
export async function diffVersions(engine: QueryEngine, a: number, b: number, under = '/'): Promise<DiffEntry[]> {
  const where = under === '/' ? 'true' : `(path = ${sqlString(under)} OR starts_with(path, ${sqlString(`${under}/`)}))`;
  const rows = await engine.queryObjects(`
    WITH a AS (SELECT ${COLS} FROM files_at(${a}) WHERE ${where}),
         b AS (SELECT ${COLS} FROM files_at(${b}) WHERE ${where})
    SELECT to_json(a) AS a, to_json(b) AS b FROM a FULL OUTER JOIN b ON a.path = b.path
    WHERE a.path IS NULL OR b.path IS NULL OR a.node_id <> b.node_id OR a.kind <> b.kind
       OR a.size IS DISTINCT FROM b.size OR a.sha256 IS DISTINCT FROM b.sha256
       OR a.mode <> b.mode OR a.target IS DISTINCT FROM b.target`);
  // The missing side of the outer join may come back as a struct of nulls.
  const parse = (v: unknown): Side | null => {
    const side = typeof v === 'string' ? (JSON.parse(v) as Side | null) : null;
    return side && side.path !== null ? side : null;
  };
  const pairs = rows.map((r) => ({ a: parse(r.a), b: parse(r.b) }));
  const onlyA = pairs.flatMap((p) => (p.a && !p.b ? [p.a] : [])).sort(byPath);
  const onlyB = pairs.flatMap((p) => (p.b && !p.a ? [p.b] : [])).sort(byPath);
  const out: DiffEntry[] = pairs.flatMap((p) => (p.a && p.b ? [entry('modified', p.a, p.b)] : []));
  // A node that left paths and gained others was renamed: pair each old path with a new
  // one of the same node, preferring the same name, then the longest shared prefix.
  const added = new Map<string, Side[]>();
  for (const y of onlyB) {
    const list = added.get(y.node_id);
    if (list) list.push(y);
    else added.set(y.node_id, [y]);
  }
  const used = new Set<Side>();
  for (const x of onlyA) {
    const candidates = (added.get(x.node_id) ?? []).filter((y) => !used.has(y));
    const to = candidates.find((y) => basename(y.path) === basename(x.path))
      ?? candidates.sort((p, q) => sharedPrefix(q.path, x.path) - sharedPrefix(p.path, x.path))[0];
    if (to) {
      used.add(to);
      out.push(entry('renamed', x, to));
    } else {
      out.push(entry('deleted', x, null));
    }
  }
  for (const y of onlyB) if (!used.has(y)) out.push(entry('added', null, y));
  return out.sort(byPath);
}

function byPath(p: { path: string }, q: { path: string }): number {
  return p.path < q.path ? -1 : p.path > q.path ? 1 : 0;
}

function entry(status: DiffStatus, x: Side | null, y: Side | null): DiffEntry {
  const side = (y ?? x)!;
  return {
    status,
    path: side.path,
    old_path: status === 'renamed' ? x!.path : null,
    kind: side.kind,
    old_size: x?.size ?? null,
    new_size: y?.size ?? null,
    old_sha256: x?.sha256 ?? null,
    new_sha256: y?.sha256 ?? null,
    content_changed: !!x && !!y && (x.kind !== y.kind || x.sha256 !== y.sha256 || x.size !== y.size || x.target !== y.target),
  };
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function sharedPrefix(p: string, q: string): number {
  let i = 0;
  while (i < p.length && i < q.length && p[i] === q[i]) i++;
  return i;
}
