// Per-file statistics in the Delta protocol's `add.stats` JSON, so engines can skip
// files by node_id, version or time without opening them.
import type { FileRow } from './OpRecord.js';
import { DATA_COLUMNS } from './schema.js';

/** Delta writes timestamp stats as ISO-8601 UTC strings with millisecond precision. */
function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The add.stats JSON of a data file holding `rows`. `nullCounts` (column -> nulls), when
 * the Parquet writer counted them already, saves a pass over every column of every row.
 */
export function recordStats(rows: ReadonlyArray<FileRow>, nullCounts?: ReadonlyMap<string, number>): string {
  const n = rows.length;
  const nullCount: Record<string, number> = {};
  for (const [name, t] of DATA_COLUMNS) {
    // Delta collects no stats for nested columns.
    if (t === 'chunks') continue;
    nullCount[name] = nullCounts?.get(name) ?? countNulls(rows, name);
  }
  if (n === 0) return JSON.stringify({ numRecords: 0, minValues: {}, maxValues: {}, nullCount });
  let minNode = rows[0]!.node_id;
  let maxNode = minNode;
  let minVer = rows[0]!.version;
  let maxVer = minVer;
  let minTs = rows[0]!.timestamp;
  let maxTs = minTs;
  for (let i = 1; i < n; i++) {
    const r = rows[i]!;
    if (r.node_id < minNode) minNode = r.node_id;
    if (r.node_id > maxNode) maxNode = r.node_id;
    if (r.version < minVer) minVer = r.version;
    if (r.version > maxVer) maxVer = r.version;
    if (r.timestamp < minTs) minTs = r.timestamp;
    if (r.timestamp > maxTs) maxTs = r.timestamp;
  }
  return JSON.stringify({
    numRecords: n,
    // Timestamps are stored in microseconds but stats hold milliseconds: round the
    // bounds outward so a reader skipping files on them never skips a matching row.
    minValues: { node_id: minNode, version: minVer, timestamp: isoMillis(Math.floor(minTs)) },
    maxValues: { node_id: maxNode, version: maxVer, timestamp: isoMillis(Math.ceil(maxTs)) },
    nullCount,
  });
}

function countNulls(rows: ReadonlyArray<FileRow>, name: string): number {
  let c = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = (rows[i] as unknown as Record<string, unknown>)[name];
    if (v === null || v === undefined) c++;
  }
  return c;
}
