// Turning one commit's records into Delta data files: one Parquet file per partition,
// named as Spark names them so other engines and tools recognise the layout.
import { randomUUID } from 'node:crypto';
import { PondError, isPondError } from '../../errors.js';
import type { AddFile } from '../delta/index.js';
import { mapBounded } from '../mapBounded.js';
import { encodeRecords } from './encode.js';
import type { OpRecord } from './OpRecord.js';
import { PARTITION_COLUMN } from './schema.js';
import type { Storage } from '../storage/index.js';

export const WRITE_PARALLELISM = 8;
/** Commits writing more data files than this write them behind one durability barrier. */
const BARRIER_ABOVE = 4;

/** Partition ids are node ids (hex), which need no escaping in a path or URI. */
function checkPartId(partId: string): void {
  if (!/^[0-9A-Za-z_-]+$/.test(partId)) {
    throw new PondError('EINVAL', `bad part_id ${JSON.stringify(partId)}`, { op: 'append' });
  }
}

export function dataFilePath(partId: string): string {
  return `${PARTITION_COLUMN}=${partId}/part-00000-${randomUUID()}.c000.zstd.parquet`;
}

export function groupByPartition<R extends { part_id: string }>(rows: readonly R[]): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const r of rows) {
    checkPartId(r.part_id);
    let g = groups.get(r.part_id);
    if (!g) groups.set(r.part_id, (g = []));
    g.push(r);
  }
  return groups;
}

/** A data file encoded and not yet written: its add action and bytes. */
interface EncodedDataFile { add: AddFile; bytes: Uint8Array }

function encodeDataFile(partId: string, rows: OpRecord[], modificationTime: number, dataChange: boolean): EncodedDataFile {
  const { bytes, stats } = encodeRecords(rows);
  const path = dataFilePath(partId);
  return { add: { path, partitionValues: { [PARTITION_COLUMN]: partId }, size: bytes.length, modificationTime, dataChange, stats }, bytes };
}

/**
 * Encodes and writes one file per partition (durable: data and names synced), returning
 * their add actions. On failure the files already written are deleted: they were never
 * committed. Encoding a partition overlaps the writes of the others.
 */
export async function writeDataFiles(
  storage: Storage,
  groups: Map<string, OpRecord[]>,
  modificationTime: number,
  dataChange: boolean,
): Promise<AddFile[]> {
  // Many files (an import touches a partition per directory): write them straight under
  // their fresh names and make them durable with one barrier before returning (so before
  // any commit names them), instead of a temp file, fsync, link and folder fsync each. A
  // crash in between leaves unnamed, possibly torn files no snapshot ever reads.
  const batched = groups.size > BARRIER_ABOVE;
  const written: string[] = [];
  try {
    const adds = await mapBounded([...groups], WRITE_PARALLELISM, async ([partId, rows]) => {
      const { add, bytes } = encodeDataFile(partId, rows, modificationTime, dataChange);
      try {
        if (batched) await storage.writeFresh(add.path, bytes);
        else await storage.putNew(add.path, bytes);
      } catch (err) {
        // A failed write may leave part of the file behind (a taken name is not ours).
        if (!isPondError(err, 'EEXIST')) written.push(add.path);
        throw err;
      }
      written.push(add.path);
      return add;
    });
    if (batched) await storage.sync();
    return adds;
  } catch (err) {
    await removeFiles(storage, written);
    throw err;
  }
}

/**
 * For a small commit (at most a few partitions, as an fsync's commit is): encodes every
 * file first, so the caller has the add actions (and can write its commit file) while
 * `stored` writes them. undefined when the groups are too many: use writeDataFiles.
 */
export function encodeSmallCommit(
  storage: Storage,
  groups: Map<string, OpRecord[]>,
  modificationTime: number,
): { adds: AddFile[]; stored: Promise<void> } | undefined {
  if (groups.size > BARRIER_ABOVE) return undefined;
  const files = [...groups].map(([partId, rows]) => encodeDataFile(partId, rows, modificationTime, true));
  const stored = Promise.all(files.map((f) => storage.putNew(f.add.path, f.bytes).then(() => true, (err: unknown) => err)))
    .then(async (results) => {
      const failed = results.findIndex((r) => r !== true);
      if (failed < 0) return;
      await removeFiles(storage, files.filter((_, i) => results[i] === true).map((f) => f.add.path));
      throw results[failed];
    });
  // Marked handled: a commit that fails before awaiting it must not crash the process.
  stored.catch(() => undefined);
  return { adds: files.map((f) => f.add), stored };
}

/** Best-effort removal of data files that no commit references. */
export async function removeFiles(storage: Storage, paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((p) => storage.delete(p).catch(() => undefined)));
}
