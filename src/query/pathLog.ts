import type { Pond } from '../tinylogfs/index.js';
import { QueryEngine } from './QueryEngine.js';
import { sqlString } from './views.js';

export interface PathLogEntry {
  version: number;
  /** Commit time, ISO-8601 UTC. */
  time: string;
  /** The commit's summary. */
  summary: string;
  /** create, update, delete or rename. */
  op: string;
  /** The path at that version (an earlier name before a rename). */
  path: string;
  /** On a rename: the path before it. */
  old_path: string | null;
}

interface Row { version: number; time: string; summary: string | null; op: string; path: string; old_path: string | null }

/**
 * Every version that changed `path`, newest first, following renames backwards: before
 * the version that renamed X to `path`, the entries are X's (and so on). A delete of the
 * path's previous occupant in the same version as a create or rename there is left out.
 */
export async function pathLog(pond: Pond, path: string): Promise<PathLogEntry[]> {
  const engine = await QueryEngine.open(pond);
  try {
    await engine.query(`CREATE TEMP TABLE _log AS
      SELECT h.version, h.time, c.summary, h.op, h.path, h.old_path
      FROM history h LEFT JOIN commits c ON c.version = h.version`);
    const renames = await engine.queryObjects(`SELECT path, old_path, version FROM _log WHERE op = 'rename' ORDER BY version DESC`) as unknown as Row[];
    // The names the path had, newest first, each with the versions it covered.
    const spans: Array<{ path: string; from: number; to: number }> = [];
    let name = path;
    let to = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const r = renames.find((x) => x.path === name && x.version <= to);
      spans.push({ path: name, from: r ? r.version : 0, to });
      if (!r || r.old_path === null) break; // each step ends lower: no loops
      name = r.old_path;
      to = r.version - 1;
    }
    const names = [...new Set(spans.map((s) => s.path))].map(sqlString).join(', ');
    const rows = await engine.queryObjects(`SELECT * FROM _log WHERE path IN (${names}) ORDER BY version DESC, op`) as unknown as Row[];
    const kept = rows.filter((r) => spans.some((s) => s.path === r.path && r.version >= s.from && r.version <= s.to));
    return kept
      .filter((r) => !(r.op === 'delete' && kept.some((o) => o !== r && o.version === r.version && o.path === r.path)))
      .map((r) => ({ version: r.version, time: r.time, summary: r.summary ?? '', op: r.op, path: r.path, old_path: r.old_path }));
  } finally {
    engine.close();
  }
}
