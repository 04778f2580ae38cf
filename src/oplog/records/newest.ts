// The replay rule of a partition, shared by the oplog (which decodes the chunk lists of the
// winning rows only) and TinyLogFS (which builds nodes from them): for each node id and
// each entry name of the directory, the row with the highest version not above the bound
// wins. A winning `delete` row still wins here: it means gone, which the caller applies.

interface Keyed { node_id: string; version: number; name: string | null }

export interface NewestRows<R> {
  /** Node rows (name null) by node id. */
  nodes: Map<string, R>;
  /** Entry rows of the partition's own directory, by name. */
  entries: Map<string, R>;
}

/** `rows` oldest version first: of equal versions the later row wins. */
export function newestRows<R extends Keyed>(rows: Iterable<R>, partId: string, maxVersion = Infinity): NewestRows<R> {
  const nodes = new Map<string, R>();
  const entries = new Map<string, R>();
  for (const row of rows) {
    if (row.version > maxVersion) continue;
    if (row.name === null) {
      const prev = nodes.get(row.node_id);
      if (!prev || row.version >= prev.version) nodes.set(row.node_id, row);
    } else if (row.node_id === partId) {
      const prev = entries.get(row.name);
      if (!prev || row.version >= prev.version) entries.set(row.name, row);
    }
  }
  return { nodes, entries };
}
