import { errnoCode } from '../errors.js';
import {
  type AddFile, type ChunkRef, type Oplog, PARTITION_COLUMN, type StoredRecord, commitPath, decodeRecords,
  mapBounded, parseLogJson, sha256Hex,
} from '../oplog/index.js';
import { ROOT_ID, joinPath } from '../tinyfs/index.js';
import { replayPartition } from './replay.js';

// A full verification of a pond: every data file of the table is read and every row of
// every version checked (inline content against its SHA-256, every chunk present and
// hash-valid), then the live tree is rebuilt by replay and walked. Damage is reported as
// `path (version N): what`, with the live path when the damaged row is the live one.

export interface Damage {
  path: string;
  version: number;
  what: string;
}

export interface CheckReport {
  version: number;
  dataFiles: number;
  rows: number;
  chunks: number;
  live: { files: number; directories: number; symlinks: number };
  damage: Damage[];
}

export interface CheckProgress {
  total(n: number): void;
  tick(n?: number): void;
}

const PARALLEL = 8;

export async function check(oplog: Oplog, progress?: CheckProgress): Promise<CheckReport> {
  const snapshot = oplog.snapshot;
  const files = snapshot.files;
  const rowsByPart = new Map<string, StoredRecord[]>();
  /** Damage found on rows, keyed by `${node_id}@${version}`; paths are named at the end. */
  const rowDamage = new Map<string, { nodeId: string; version: number; what: string[] }>();
  const fileDamage: Array<{ part: string; file: AddFile; what: string }> = [];
  const chunks = new Map<string, { ref: ChunkRef; users: Array<{ nodeId: string; version: number }> }>();
  let rowCount = 0;

  const hurt = (nodeId: string, version: number, what: string): void => {
    const key = `${nodeId}@${version}`;
    let d = rowDamage.get(key);
    if (!d) rowDamage.set(key, (d = { nodeId, version, what: [] }));
    if (!d.what.includes(what)) d.what.push(what);
  };

  progress?.total(files.length);
  await mapBounded(files, PARALLEL, async (file) => {
    const part = file.partitionValues[PARTITION_COLUMN] ?? '';
    try {
      const bytes = await oplog.table.storage.read(file.path);
      const rows = decodeRecords(bytes, { withContent: true, partId: part, path: file.path }) as StoredRecord[];
      rows.forEach((row, i) => {
        row.source = { path: file.path, row: i };
        checkRow(row, hurt, chunks);
        row.content = null;
      });
      rowCount += rows.length;
      let list = rowsByPart.get(part);
      if (!list) rowsByPart.set(part, (list = []));
      list.push(...rows);
    } catch (err) {
      const what = errnoCode(err) === 'ENOENT' ? `data file ${file.path} is missing` : `data file ${file.path} is unreadable: ${message(err)}`;
      fileDamage.push({ part, file, what });
    } finally {
      progress?.tick();
    }
  });

  progress?.total(files.length + chunks.size);
  await mapBounded([...chunks.values()], PARALLEL, async ({ ref, users }) => {
    try {
      await oplog.content.get(ref);
    } catch (err) {
      const what = errnoCode(err) === 'ENOENT' || /missing/.test(message(err))
        ? `chunk ${ref.sha256} is missing` : `chunk ${ref.sha256} is damaged`;
      for (const u of users) hurt(u.nodeId, u.version, what);
    } finally {
      progress?.tick();
    }
  });

  for (const rows of rowsByPart.values()) rows.sort((a, b) => a.version - b.version);
  const names = new Names(rowsByPart);
  const damage: Damage[] = [];
  const live = { files: 0, directories: 0, symlinks: 0 };

  // The live tree, by replay: entries must name nodes that exist, with the right kind.
  const states = new Map<string, ReturnType<typeof replayPartition>>();
  const stateOf = (part: string) => {
    let s = states.get(part);
    if (!s) states.set(part, (s = replayPartition(rowsByPart.get(part) ?? [], part)));
    return s;
  };
  const seenDirs = new Set<string>();
  const walk = (dirId: string, path: string): void => {
    if (seenDirs.has(dirId)) {
      damage.push({ path, version: snapshot.version, what: `directory ${dirId} is reachable twice (a cycle or a directory hard link)` });
      return;
    }
    seenDirs.add(dirId);
    live.directories++;
    for (const [name, entry] of [...stateOf(dirId).entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const childPath = joinPath(path, name);
      const childId = entry.child_id ?? '';
      const row = stateOf(entry.child_part ?? dirId).nodes.get(childId);
      if (!row) {
        damage.push({ path: childPath, version: entry.version, what: `entry names node ${childId}, which has no record in partition ${entry.child_part}` });
        continue;
      }
      names.live.set(`${row.node_id}@${row.version}`, childPath);
      if (row.kind !== entry.kind) {
        damage.push({ path: childPath, version: row.version, what: `entry says ${entry.kind} but the node is a ${row.kind}` });
      }
      if (row.kind === 'directory') walk(childId, childPath);
      else if (row.kind === 'file') live.files++;
      else live.symlinks++;
    }
  };
  const root = stateOf(ROOT_ID).nodes.get(ROOT_ID);
  if (!root) damage.push({ path: '/', version: snapshot.version, what: 'the root directory has no record' });
  else walk(ROOT_ID, '/');

  for (const d of rowDamage.values()) {
    const path = names.live.get(`${d.nodeId}@${d.version}`) ?? names.pathOf(d.nodeId);
    for (const what of d.what) damage.push({ path, version: d.version, what });
  }
  if (fileDamage.length > 0) {
    const added = await versionsOfFiles(oplog, new Set(fileDamage.map((f) => f.file.path)));
    for (const f of fileDamage) {
      damage.push({ path: names.pathOf(f.part), version: added.get(f.file.path) ?? snapshot.version, what: f.what });
    }
  }
  damage.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.version - b.version));
  return { version: snapshot.version, dataFiles: files.length, rows: rowCount, chunks: chunks.size, live, damage };
}

function checkRow(
  row: StoredRecord,
  hurt: (nodeId: string, version: number, what: string) => void,
  chunks: Map<string, { ref: ChunkRef; users: Array<{ nodeId: string; version: number }> }>,
): void {
  if (row.name !== null || row.kind !== 'file' || row.op === 'delete') return;
  const size = row.size ?? 0;
  if (row.chunks) {
    let total = 0;
    for (const ref of row.chunks) {
      total += ref.size;
      let c = chunks.get(ref.sha256);
      if (!c) chunks.set(ref.sha256, (c = { ref, users: [] }));
      const last = c.users[c.users.length - 1];
      if (!last || last.nodeId !== row.node_id || last.version !== row.version) c.users.push({ nodeId: row.node_id, version: row.version });
    }
    if (total !== size) hurt(row.node_id, row.version, `chunk sizes add up to ${total}, not ${size}`);
    return;
  }
  if (size === 0) return;
  if (!row.content) {
    hurt(row.node_id, row.version, `content of ${size} bytes is missing`);
    return;
  }
  const sha = sha256Hex(row.content);
  if (row.content.length !== size || sha !== row.sha256) {
    hurt(row.node_id, row.version, `inline content fails its SHA-256 check (${row.content.length} bytes hash to ${sha.slice(0, 12)}, expected ${(row.sha256 ?? '').slice(0, 12)})`);
  }
}

/** Paths of nodes: the live path when a row is live, else the last name a node had. */
class Names {
  readonly live = new Map<string, string>();
  private readonly parent = new Map<string, { dir: string; name: string; version: number; deleted: boolean }>();
  private readonly cache = new Map<string, string>();

  constructor(rowsByPart: Map<string, StoredRecord[]>) {
    for (const rows of rowsByPart.values()) {
      for (const r of rows) {
        if (r.name === null || !r.child_id) continue;
        const prev = this.parent.get(r.child_id);
        // Prefer the newest name that was not a delete.
        const deleted = r.op === 'delete';
        const better = !prev || (deleted === prev.deleted ? r.version >= prev.version : prev.deleted);
        if (better) this.parent.set(r.child_id, { dir: r.node_id, name: r.name, version: r.version, deleted });
      }
    }
  }

  pathOf(nodeId: string, depth = 0): string {
    if (nodeId === ROOT_ID) return '/';
    const hit = this.cache.get(nodeId);
    if (hit) return hit;
    const p = this.parent.get(nodeId);
    const path = !p || depth > 256 ? `<node ${nodeId}>` : joinPath(this.pathOf(p.dir, depth + 1), p.name);
    this.cache.set(nodeId, path);
    return path;
  }
}

/** The version whose commit added each data file (read from the JSON commits). */
async function versionsOfFiles(oplog: Oplog, paths: Set<string>): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const { earliest, latest } = await oplog.table.versions();
  for (let v = latest; v >= earliest && found.size < paths.size; v--) {
    let actions;
    try {
      actions = parseLogJson(await oplog.table.storage.read(commitPath(v)), commitPath(v));
    } catch {
      continue;
    }
    for (const a of actions) if ('add' in a && paths.has(a.add.path) && !found.has(a.add.path)) found.set(a.add.path, v);
  }
  return found;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
