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

/** Decodes a checkpoint (or sidecar) Parquet file; any decoding failure is ECORRUPT. */
export async function parquetActions(bytes: Uint8Array, path: string, sidecars: string[] | undefined, columns: readonly string[] = ACTION_COLUMNS): Promise<Action[]> {
  const pq = await parquetWasm();
  let table: arrow.Table;
  try {
    table = arrow.tableFromIPC(pq.readParquet(bytes).intoIPCStream());
  } catch (err) {
    throw new PondError('ECORRUPT', `corrupt Delta checkpoint ${path}: ${err instanceof Error ? err.message : String(err)}`, { op: 'read', path, cause: err });
  }
  const out: Action[] = [];
  const wanted = sidecars ? [...columns, 'sidecar'] : columns;
  const fields = table.schema.fields.map((f, k) => [f.name, k] as const).filter(([n]) => wanted.includes(n));
  let row = 0;
  for (const batch of table.batches) {
    const readers = fields.map(([name, k]) => [name, batch.data.children[k]!, readerFor(batch.data.children[k]!)] as const);
    for (let i = 0; i < batch.numRows; i++, row++) {
      for (const [name, data, read] of readers) {
        if (!data.getValid(i)) continue;
        const body = read(i);
        if (body === null) continue;
        if (name === 'sidecar') {
          const p = (body as { path?: unknown }).path;
          if (typeof p !== 'string') throw new PondError('ECORRUPT', `corrupt Delta checkpoint ${path}: sidecar without path`, { op: 'read', path });
          sidecars!.push(p);
        } else {
          out.push(checkAction(name, body, path, row + 1));
        }
      }
    }
  }
  return out;
}
