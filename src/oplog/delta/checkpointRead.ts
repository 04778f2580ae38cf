// Reads checkpoints into action batches: classic single-file and multi-part V1 Parquet, and
// V2 (UUID-named JSON or Parquet whose `sidecar` actions point at `_delta_log/_sidecars/`).
// Arrow values are turned into plain JSON-like objects (bigint -> number, Map -> object) so
// replay sees the same shapes as in a JSON commit.

import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm';
import { PondError, isPondError } from '../../errors.js';
import type { Storage } from '../storage/index.js';
import { checkAction, parseLogJson, type Action } from './actions.js';
import { SIDECAR_DIR, type CheckpointFiles } from './logPaths.js';

const ACTION_COLUMNS = ['add', 'remove', 'metaData', 'protocol', 'txn', 'domainMetadata'];

export async function readCheckpoint(storage: Storage, cp: CheckpointFiles): Promise<Action[]> {
  if (cp.kind !== 'v2') {
    const parts = await Promise.all(cp.files.map(async (f) => parquetActions(await readOrCorrupt(storage, f), f, undefined)));
    return parts.flat();
  }
  const top = cp.files[0]!;
  const sidecars: string[] = [];
  const bytes = await readOrCorrupt(storage, top);
  const actions = top.endsWith('.json') ? parseLogJson(bytes, top, sidecars) : parquetActions(bytes, top, sidecars);
  const fromSidecars = await Promise.all(sidecars.map(async (name) => {
    const p = `${SIDECAR_DIR}/${name}`;
    return parquetActions(await readOrCorrupt(storage, p), p, undefined);
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
export function parquetActions(bytes: Uint8Array, path: string, sidecars: string[] | undefined): Action[] {
  let table: arrow.Table;
  try {
    table = arrow.tableFromIPC(pq.readParquet(bytes).intoIPCStream());
  } catch (err) {
    throw new PondError('ECORRUPT', `corrupt Delta checkpoint ${path}: ${err instanceof Error ? err.message : String(err)}`, { op: 'read', path, cause: err });
  }
  const out: Action[] = [];
  const columns = ACTION_COLUMNS.map((name) => [name, table.getChild(name)] as const).filter(([, c]) => c !== null);
  const sidecarCol = sidecars ? table.getChild('sidecar') : null;
  for (let i = 0; i < table.numRows; i++) {
    for (const [name, col] of columns) {
      if (!col!.isValid(i)) continue;
      const body = plain(col!.get(i));
      if (body === null) continue;
      out.push(checkAction(name, body, path, i + 1));
    }
    if (sidecarCol && sidecarCol.isValid(i)) {
      const s = plain(sidecarCol.get(i)) as { path?: unknown } | null;
      if (!s || typeof s.path !== 'string') throw new PondError('ECORRUPT', `corrupt Delta checkpoint ${path}: sidecar without path`, { op: 'read', path });
      sidecars!.push(s.path);
    }
  }
  return out;
}

/** Arrow row values (StructRow, MapRow, Vector, bigint) to plain JSON values. */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'object') return v;
  if (v instanceof Uint8Array) return v;
  if (v instanceof arrow.Vector) return v.toArray().map(plain);
  const json = (v as { toJSON?: () => unknown }).toJSON?.();
  if (Array.isArray(json)) return json.map(plain);
  const src = (json ?? v) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src)) out[k] = plain(src[k]);
  return out;
}
