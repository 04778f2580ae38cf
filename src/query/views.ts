// The SQL views over the oplog. Everything is derived from `_rec` (the table's rows up to
// the engine's version, content excluded) in SQL, so DuckDB does the heavy lifting:
//
//   _entry_iv  each directory entry's life: (dir, name) -> child over versions [vfrom, vto)
//   _paths     the temporal tree: every (node, path) with the versions it held that path,
//              by a recursive walk from the root that intersects each entry's interval
//              with its directory's own path interval (a directory rename moves its subtree)
//   files      the _paths rows still open at the bound, with the node's latest row
//   history    path events: an interval's start (create, or rename when the same node left
//              another path in that version), a node update inside an interval, an
//              interval's end that no rename took (delete)
//
// Column lists are the documented contract (README "SQL"): add columns at the end only.
import { ROOT_ID } from '../oplog/index.js';

/** The open end of an interval. */
export const OPEN = '9223372036854775807';

/** Quotes a string as an SQL literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * The columns the views need; `records` reads every column (but content) on demand. Node
 * ids (16 hex digits) become UBIGINT keys: joins on them are several times faster than on
 * the strings.
 */
const NEEDED = `('0x' || node_id)::UBIGINT AS nid, version, "timestamp", kind, op, name,
  ('0x' || child_id)::UBIGINT AS cid, mode, uid, gid, nlink, mtime, size, sha256, target`;

/** A node key as its id. */
const ID = (col: string): string => `printf('%016x', ${col})`;

function parquetScan(dataFiles: readonly string[], columns: string, partId: boolean): string {
  const list = dataFiles.map(sqlString).join(', ');
  const hive = partId ? `hive_partitioning = true, hive_types = {'part_id': VARCHAR}` : 'hive_partitioning = false';
  return `SELECT ${columns} FROM read_parquet([${list}], ${hive})`;
}

/** Loads the rows of `dataFiles` up to `version` into `_rec`, and defines `records` over the files. */
export function loadRecordsSql(dataFiles: readonly string[], version: number): string[] {
  const all = 'part_id, node_id, version, "timestamp", kind, op, name, child_id, child_part, mode, uid, gid, nlink, atime, mtime, ctime, size, sha256, chunks, target, xattrs';
  return [
    `CREATE TEMP TABLE _rec AS ${parquetScan(dataFiles, NEEDED, false)} WHERE version <= ${version}`,
    `CREATE VIEW records AS ${parquetScan(dataFiles, all, true)} WHERE version <= ${version}`,
  ];
}

const commitInfoType = `STRUCT(inCommitTimestamp BIGINT, "timestamp" BIGINT, operation VARCHAR,
  pond STRUCT("trigger" VARCHAR, summary VARCHAR, created BIGINT, updated BIGINT, deleted BIGINT, bytes BIGINT))`;

/** `_commit_info`: the commitInfo of each JSON commit file given (the files are read per query). */
export function commitInfoSql(commitFiles: readonly string[]): string {
  if (commitFiles.length === 0) {
    return `CREATE VIEW _commit_info AS SELECT NULL::BIGINT AS version, NULL::${commitInfoType} AS info WHERE false`;
  }
  const list = commitFiles.map(sqlString).join(', ');
  return `CREATE VIEW _commit_info AS
    SELECT regexp_extract(filename, '(\\d{20})\\.json$', 1)::BIGINT AS version, commitInfo AS info
    FROM read_json([${list}], format = 'newline_delimited', filename = true,
                   columns = {commitInfo: '${commitInfoType.replaceAll("'", "''")}'})
    WHERE commitInfo IS NOT NULL`;
}

/** The views, in creation order. `version` is the engine's bound (files = the tree at it). */
export function viewsSql(version: number): string[] {
  return [
    `CREATE VIEW _nodes AS
      SELECT nid, version, "timestamp", op, kind, mode, uid, gid, nlink, mtime, size, sha256, target
      FROM _rec WHERE name IS NULL`,

    `CREATE VIEW _created AS
      SELECT nid, min(version) AS version_created, max(version) AS version_last FROM _nodes GROUP BY nid`,

    `CREATE VIEW _vtime AS SELECT version, max("timestamp") AS time FROM _rec GROUP BY version`,

    // The window runs once, outside the recursion (a view would be re-run each step).
    `CREATE VIEW _paths AS
      WITH RECURSIVE e AS MATERIALIZED (
        SELECT dir, name, cid, kind, vfrom, vto FROM (
          SELECT nid AS dir, name, cid, kind, op, version AS vfrom,
                 coalesce(lead(version) OVER (PARTITION BY nid, name ORDER BY version), ${OPEN}) AS vto
          FROM _rec WHERE name IS NOT NULL)
        WHERE op <> 'delete' AND vfrom < vto),
      t(nid, path, name, kind, vfrom, vto) AS (
        SELECT ('0x${ROOT_ID}')::UBIGINT, '/', '', 'directory', 0::BIGINT, ${OPEN}::BIGINT
        UNION ALL
        SELECT e.cid, CASE WHEN t.path = '/' THEN '/' || e.name ELSE t.path || '/' || e.name END,
               e.name, e.kind, greatest(t.vfrom, e.vfrom), least(t.vto, e.vto)
        FROM t JOIN e ON e.dir = t.nid AND e.vfrom < t.vto AND t.vfrom < e.vto
      )
      SELECT * FROM t WHERE path <> '/'`,

    `CREATE VIEW files AS
      SELECT p.path, p.kind, n.size, n.mode, n.uid, n.gid, n.mtime, n.sha256,
             c.version_created, n.version AS version_changed, n.nlink, n.target, ${ID('p.nid')} AS node_id
      FROM _paths p
      JOIN _created c ON c.nid = p.nid
      JOIN _nodes n ON n.nid = p.nid AND n.version = c.version_last
      WHERE p.vto = ${OPEN} AND n.op <> 'delete'`,

    // The tree at any version up to the bound (diff uses it for both sides).
    `CREATE MACRO files_at(v) AS TABLE
      SELECT p.path, p.kind, n.size, n.mode, n.uid, n.gid, n.mtime, n.sha256,
             c.version_created, n.version AS version_changed, n.nlink, n.target, ${ID('p.nid')} AS node_id
      FROM (SELECT *, v::BIGINT AS at FROM _paths WHERE vfrom <= v AND v < vto) p
      ASOF JOIN _nodes n ON n.nid = p.nid AND p.at >= n.version
      JOIN _created c ON c.nid = p.nid
      WHERE n.op <> 'delete'`,

    // Path events. _paths is used four times: materialized once per query.
    // Each interval start is paired with the path the same node left in that version, if
    // any: a continuation (same path) first, then the same name, then the smallest path.
    `CREATE VIEW history AS
      WITH p AS MATERIALIZED (SELECT * FROM _paths),
      s AS MATERIALIZED (
        SELECT * FROM (
          SELECT p.nid, p.path, p.kind, p.vfrom AS version, q.path AS old_path,
                 row_number() OVER (PARTITION BY p.nid, p.path, p.vfrom
                                    ORDER BY q.path = p.path DESC, q.name = p.name DESC, q.path) AS rn
          FROM p LEFT JOIN p q ON q.nid = p.nid AND q.vto = p.vfrom)
        WHERE rn = 1),
      e AS (
        SELECT nid, path, kind, version, CASE WHEN old_path IS NULL THEN 'create' ELSE 'rename' END AS op, old_path
          FROM s WHERE old_path IS NULL OR old_path <> path
        UNION ALL
        SELECT p.nid, p.path, p.kind, n.version, 'update', NULL
          FROM _nodes n JOIN p ON p.nid = n.nid AND p.vfrom < n.version AND n.version < p.vto
          WHERE n.op = 'update'
        UNION ALL
        SELECT p.nid, p.path, p.kind, p.vto, 'delete', NULL
          FROM p ANTI JOIN s ON s.nid = p.nid AND s.version = p.vto AND s.old_path = p.path
          WHERE p.vto < ${OPEN})
      SELECT e.path, e.version, vt.time, e.op,
             CASE WHEN e.op = 'delete' THEN NULL ELSE n.size END AS size,
             CASE WHEN e.op = 'delete' THEN NULL ELSE n.sha256 END AS sha256,
             e.old_path, e.kind, ${ID('e.nid')} AS node_id
      FROM e
      ASOF LEFT JOIN _nodes n ON n.nid = e.nid AND e.version >= n.version
      JOIN _vtime vt ON vt.version = e.version`,

    `CREATE VIEW commits AS
      SELECT v.version, coalesce(to_timestamp(ci.info.inCommitTimestamp / 1000), t.time) AS time,
             ci.info.pond."trigger" AS "trigger",
             coalesce(ci.info.pond.summary, lower(ci.info.operation)) AS summary,
             coalesce(ci.info.pond.created, k.created, 0) AS created,
             coalesce(ci.info.pond.updated, k.changed, 0) AS changed,
             coalesce(ci.info.pond.deleted, k.deleted, 0) AS deleted,
             coalesce(ci.info.pond.bytes, 0) AS bytes_added,
             ci.info.operation AS operation
      FROM (SELECT version FROM _vtime UNION SELECT version FROM _commit_info WHERE version <= ${version}) v
      LEFT JOIN _vtime t ON t.version = v.version
      LEFT JOIN _commit_info ci ON ci.version = v.version
      LEFT JOIN (SELECT version, count(*) FILTER (op = 'create') AS created, count(*) FILTER (op = 'update') AS changed,
                        count(*) FILTER (op = 'delete') AS deleted FROM _nodes GROUP BY version) k ON k.version = v.version`,
  ];
}
