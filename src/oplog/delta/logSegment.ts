// Turns a listing of `_delta_log/` into what replay needs for one version: the newest
// complete checkpoint at or below it and the contiguous JSON commits after that. The
// listing is the truth; `_last_checkpoint` is only a hint (used to name a missing file).

import { LOG_DIR, commitPath, parseLogName, type CheckpointFiles } from './logPaths.js';

export interface LogListing {
  /** Commit versions present, ascending. */
  commits: number[];
  commitSet: ReadonlySet<number>;
  /** Complete checkpoints, newest first (several may share a version). */
  checkpoints: CheckpointFiles[];
  /** Highest version with a commit or a checkpoint; -1 for an empty log. */
  latest: number;
}

export function listingFromNames(names: readonly string[]): LogListing {
  const commits: number[] = [];
  const checkpoints: CheckpointFiles[] = [];
  const multi = new Map<string, { version: number; parts: number; files: Map<number, string> }>();
  for (const name of names) {
    const n = parseLogName(name);
    if (!n) continue;
    if (n.type === 'commit') {
      commits.push(n.version);
    } else if (n.kind === 'multipart') {
      const key = `${n.version}/${n.parts}`;
      let g = multi.get(key);
      if (!g) multi.set(key, (g = { version: n.version, parts: n.parts, files: new Map() }));
      g.files.set(n.part, `${LOG_DIR}/${name}`);
    } else {
      checkpoints.push({ version: n.version, kind: n.kind, files: [`${LOG_DIR}/${name}`] });
    }
  }
  // A multi-part checkpoint counts only when every part is there (a writer may have died).
  for (const g of multi.values()) {
    if (g.files.size !== g.parts) continue;
    const files: string[] = [];
    for (let i = 1; i <= g.parts; i++) {
      const f = g.files.get(i);
      if (f) files.push(f);
    }
    if (files.length === g.parts) checkpoints.push({ version: g.version, kind: 'multipart', files });
  }
  commits.sort((a, b) => a - b);
  // Newest first; at equal versions prefer the single-file kinds (fewer reads).
  const rank = { classic: 0, v2: 1, multipart: 2 } as const;
  checkpoints.sort((a, b) => b.version - a.version || rank[a.kind] - rank[b.kind]);
  const latest = Math.max(commits.length ? commits[commits.length - 1]! : -1, checkpoints.length ? checkpoints[0]!.version : -1);
  return { commits, commitSet: new Set(commits), checkpoints, latest };
}

/** A way to rebuild `version`: an optional checkpoint plus commits (ascending). */
export interface LogSegment {
  version: number;
  checkpoint?: CheckpointFiles;
  commits: number[];
}

/**
 * Every candidate segment for `version`, best first: each complete checkpoint at or below it
 * whose following commits are all present, then a full replay from commit 0. The caller
 * tries them in order, so a corrupt checkpoint falls back to an older one or to JSON.
 */
export function segmentsFor(listing: LogListing, version: number): LogSegment[] {
  const out: LogSegment[] = [];
  for (const cp of listing.checkpoints) {
    if (cp.version > version) continue;
    const commits = range(cp.version + 1, version);
    if (commits.every((v) => listing.commitSet.has(v))) out.push({ version, checkpoint: cp, commits });
  }
  const all = range(0, version);
  if (all.every((v) => listing.commitSet.has(v))) out.push({ version, commits: all });
  return out;
}

/** The oldest version that some segment can rebuild (-1 when none can). */
export function earliestVersion(listing: LogListing): number {
  if (listing.latest < 0) return -1;
  // Walk down from the latest commit while commits are contiguous; a checkpoint inside
  // that run (or at its bottom) makes every version from it upward reachable.
  let lowest = listing.latest;
  while (lowest - 1 >= 0 && listing.commitSet.has(lowest)) {
    if (!listing.commitSet.has(lowest - 1)) break;
    lowest--;
  }
  if (lowest === 0 && listing.commitSet.has(0)) return 0;
  const cps = listing.checkpoints.filter((c) => c.version >= lowest - 1 && c.version <= listing.latest);
  if (cps.length === 0) return -1;
  return Math.min(...cps.map((c) => c.version));
}

export function missingCommits(listing: LogListing, from: number, to: number): number[] {
  return range(from, to).filter((v) => !listing.commitSet.has(v));
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v++) out.push(v);
  return out;
}

export { commitPath };
