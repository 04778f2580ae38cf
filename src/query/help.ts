// The views' columns as users read them: `pond sql --help` prints this, and README "SQL"
// says the same. Keep both in step with views.ts.

export const VIEWS_HELP = `Views (DuckDB SQL; times are TIMESTAMP WITH TIME ZONE in UTC):
  files      the tree at the version (--at, default latest), one row per path (hard links:
             one row per name; the root itself is not listed)
             path, kind, size, mode, uid, gid, mtime, sha256, version_created,
             version_changed, nlink, target, node_id
  files_at(V)  the same, as of any version V up to the one shown (a table function)
  history    one row per change of a path, every version up to the one shown
             path, version, time, op (create|update|delete|rename), size, sha256,
             old_path (renames: the path before), kind, node_id
             a rename (same node, its entry gone from one path and made at another in one
             version; a directory's rename moves its subtree) is one row at the new path;
             size and sha256 are null on delete rows
  commits    one row per version: version, time, trigger, summary, created, changed,
             deleted, bytes_added, operation (WRITE, OPTIMIZE, CREATE TABLE)
  records    the oplog's raw rows (one per node or directory-entry change), without the
             content column: part_id, node_id, version, timestamp, kind, op, name,
             child_id, child_part, mode, uid, gid, nlink, atime, mtime, ctime, size,
             sha256, chunks, target, xattrs

Examples:
  pond sql "SELECT kind, count(*), sum(size) FROM files GROUP BY kind"
  pond sql "SELECT version, op, path, old_path FROM history WHERE path LIKE '/data/%' ORDER BY version"
  pond sql --at 2024-05-01T00:00:00Z --csv "SELECT path, size FROM files WHERE kind = 'file'"`;
