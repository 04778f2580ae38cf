// Version lookup by time. Each commit's time is its inCommitTimestamp where the table uses
// ICT (strictly increasing by construction), else its file mtime, made monotonic the way
// Delta does it (a commit never sorts before its predecessor), then binary search.

import { PondError } from '../../errors.js';
import type { Storage } from '../storage/index.js';
import { LOG_DIR, parseLogName } from './logPaths.js';
import { earliestVersion, listingFromNames } from './logSegment.js';
import { ictEnabled, ictEnablementVersion } from './protocolCheck.js';
import { ictOf, readCommit } from './snapshotLoad.js';
import type { Snapshot } from './Snapshot.js';

export interface CommitTimes {
  earliest: number;
  latest: number;
  /** The time of version v (earliest <= v <= latest), reading the commit when needed. */
  at(version: number): Promise<number>;
}

export async function commitTimes(storage: Storage, latest: Snapshot): Promise<CommitTimes> {
  const infos = await storage.list(LOG_DIR);
  const listing = listingFromNames(infos.map((i) => i.path.slice(i.path.lastIndexOf('/') + 1)));
  const mtimes = new Map<number, number>();
  for (const i of infos) {
    const n = parseLogName(i.path.slice(i.path.lastIndexOf('/') + 1));
    if (n?.type === 'commit') mtimes.set(n.version, i.mtimeMs);
    else if (n?.type === 'checkpoint' && !mtimes.has(n.version)) mtimes.set(n.version, i.mtimeMs);
  }
  const earliest = Math.max(0, earliestVersion(listing));
  const top = latest.version;
  const ictFrom = ictEnabled(latest.metadata) ? ictEnablementVersion(latest.metadata) : Infinity;
  // Monotonic mtimes for the versions before ICT.
  const adjusted = new Map<number, number>();
  let prev = -Infinity;
  for (let v = earliest; v <= Math.min(top, ictFrom - 1); v++) {
    const t = Math.max(mtimes.get(v) ?? prev, prev + 1);
    adjusted.set(v, t);
    prev = t;
  }
  const ictCache = new Map<number, number>();
  return {
    earliest,
    latest: top,
    async at(v: number): Promise<number> {
      if (v < ictFrom) return adjusted.get(v)!;
      let t = ictCache.get(v);
      if (t === undefined) {
        t = v === top ? latest.timestamp : ictOf(await readCommit(storage, v)) ?? mtimes.get(v) ?? 0;
        ictCache.set(v, t);
      }
      return t;
    },
  };
}

/**
 * The latest version whose time is <= ms. Before the first commit: ENOVERSION. After the
 * last commit: ENOVERSION like delta-kernel, unless allowAfterLatest (then the latest).
 */
export async function versionAtTime(times: CommitTimes, ms: number, allowAfterLatest: boolean): Promise<number> {
  const lastTime = await times.at(times.latest);
  if (ms > lastTime && !allowAfterLatest) {
    throw new PondError('ENOVERSION', `no version at ${new Date(ms).toISOString()}: after the latest commit (version ${times.latest})`, { op: 'snapshotAtTime', path: LOG_DIR });
  }
  let lo = times.earliest;
  let hi = times.latest;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((await times.at(mid)) <= ms) lo = mid;
    else hi = mid - 1;
  }
  // Checked after the search rather than against the earliest commit alone, so a log whose
  // timestamps are not monotonic (cdc_ict_table's v0 > v1) still gets a version <= ms.
  if ((await times.at(lo)) > ms) {
    throw new PondError('ENOVERSION', `no version at ${new Date(ms).toISOString()}: the table's history starts later`, { op: 'snapshotAtTime', path: LOG_DIR });
  }
  return lo;
}
