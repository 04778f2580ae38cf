// Reads checkpoints into action batches: classic single-file and multi-part V1 Parquet, and
// V2 (UUID-named JSON or Parquet whose `sidecar` actions point at `_delta_log/_sidecars/`).
// Arrow values are turned into plain JSON-like objects (bigint -> number, Map -> object) so
// replay sees the same shapes as in a JSON commit.

import * as arrow from 'apache-arrow';
import { PondError, isPondError } from '../../errors.js';
import type { Storage } from '../storage/index.js';
import { checkAction, parseLogJson, type Action } from './actions.js';
import { readerFor } from './arrowToJs.js';
import { parquetWasm } from './parquetModule.js';
import { SIDECAR_DIR, type CheckpointFiles } from './logPaths.js';

export const ACTION_COLUMNS: readonly string[] = ['add', 'remove', 'metaData', 'protocol', 'txn', 'domainMetadata'];
export const LIVE_COLUMNS: readonly string[] = ACTION_COLUMNS.filter((c) => c !== 'remove');

/**
 * `columns` limits which action kinds are decoded: opening a table skips `remove` (checkpoint
 * tombstones never hide a live file) and reads them later, only when writing a checkpoint.
 */
export async function readCheckpoint(storage: Storage, cp: CheckpointFiles, columns: readonly string[] = ACTION_COLUMNS): Promise<Action[]> {
  if (cp.kind !== 'v2') {
    const parts = await Promise.all(cp.files.map(async (f) => parquetActions(await readOrCorrupt(storage, f), f, undefined, columns)));
    return parts.flat();
  }
  const top = cp.files[0]!;
  const sidecars: string[] = [];
  const bytes = await readOrCorrupt(storage, top);
  const all = top.endsWith('.json') ? parseLogJson(bytes, top, sidecars) : await parquetActions(bytes, top, sidecars, columns);
  const actions = all.filter((a) => columns.includes(Object.keys(a)[0]!));
  const fromSidecars = await Promise.all(sidecars.map(async (name) => {
    const p = `${SIDECAR_DIR}/${name}`;
    return parquetActions(await readOrCorrupt(storage, p), p, undefined, columns);
  }));
  return actions.concat(...fromSidecars);
}

async function readOrCorrupt(storage: Storage, path: string): Promise<Uint8Array> {
  try {
    return await storage.read(path);
  } catch (err) {
    if (isPondError(err, 'ENOENT')) {
      throw new PondError('ECORRUPT', `Delta checkpoint file is missing: ${path}`, { op: 'read', path, cause: err });
    }
    throw err;
  }
}

/**
 * The fields of `add` that replay and the next checkpoint use. Everything else an engine may
 * store there (stats_parsed, partitionValues_parsed, baseRowId, ...) is never decoded.
 */
const ADD_FIELDS: readonly string[] = ['path', 'partitionValues', 'size', 'modificationTime', 'dataChange', 'stats', 'tags', 'deletionVector'];

/**
 * Leaf or struct paths to decode for `wanted` top-level columns, as parquet-wasm's async
 * reader expects them ('add.path' selects one field of the `add` struct). The synchronous
 * readParquet() ignores `columns` (parquet-wasm 0.8), so projection needs ParquetFile.
 */
function projection(schema: arrow.Schema, wanted: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of schema.fields) {
    if (!wanted.includes(f.name)) continue;
    if (f.name === 'add' && arrow.DataType.isStruct(f.type)) {
      for (const c of (f.type as arrow.Struct).children) if (ADD_FIELDS.includes(c.name)) out.push(`add.${c.name}`);
    } else {
      out.push(f.name);
    }
  }
  return out;
}

/** Decodes only the `wanted` columns of a Parquet file; undefined when it has none of them. */
async function decodeColumns(bytes: Uint8Array, wanted: readonly string[]): Promise<arrow.Table | undefined> {
  const pq = await parquetWasm();
  const file = await pq.ParquetFile.fromFile(new Blob([bytes]));
  try {
    const schema = arrow.tableFromIPC(file.schema().intoIPCStream()).schema;
    const columns = projection(schema, wanted);
    if (columns.length === 0) return undefined;
    return arrow.tableFromIPC((await file.read({ columns })).intoIPCStream());
  } finally {
    file.free();
  }
}

/** Decodes a checkpoint (or sidecar) Parquet file; any decoding failure is ECORRUPT. */
export async function parquetActions(bytes: Uint8Array, path: string, sidecars: string[] | undefined, columns: readonly string[] = ACTION_COLUMNS): Promise<Action[]> {
  const wanted = sidecars ? [...columns, 'sidecar'] : columns;
  let table: arrow.Table | undefined;
  try {
    table = await decodeColumns(bytes, wanted);
  } catch (err) {
    // Should the projecting reader trip over a layout it does not know, the plain reader
    // (all columns) decides whether the file is readable at all.
    try {
      table = arrow.tableFromIPC((await parquetWasm()).readParquet(bytes).intoIPCStream());
    } catch {
      throw new PondError('ECORRUPT', `corrupt Delta checkpoint ${path}: ${err instanceof Error ? err.message : String(err)}`, { op: 'read', path, cause: err });
    }
  }
  const out: Action[] = [];
  if (!table) return out;
  const fields = table.schema.fields.map((f, k) => [f.name, k] as const).filter(([n]) => wanted.includes(n));
  // Column by column: each action kind is one struct column, null on the other rows, and
  // a checkpoint holds at most one action per path, so the order across kinds is free.
  let first = 0;
  for (const batch of table.batches) {
    for (const [name, k] of fields) {
      const data = batch.data.children[k]!;
      if (data.nullCount === data.length) continue;
      const read = readerFor(data);
      for (let i = 0; i < batch.numRows; i++) {
        if (!data.getValid(i)) continue;
        const body = read(i);
        if (body === null) continue;
        if (name === 'sidecar') {
          const p = (body as { path?: unknown }).path;
          if (typeof p !== 'string') throw new PondError('ECORRUPT', `corrupt Delta checkpoint ${path}: sidecar without path`, { op: 'read', path });
          sidecars!.push(p);
        } else {
          out.push(checkAction(name, body, path, first + i + 1));
        }
      }
    }
    first += batch.numRows;
  }
  return out;
}
