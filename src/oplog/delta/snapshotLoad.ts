// Builds a snapshot from storage. The latest one: the checkpoint `_last_checkpoint` names
// plus the commits after it, found by probing for them one name after another, so opening
// costs the tail, not the history. Any doubt (no hint, a missing or damaged checkpoint, a gap
// after the tail, a very long tail) falls back to listing `_delta_log/`: pick a segment
// (checkpoint + commits), read it, replay newest first. A corrupt checkpoint falls back to
// the next segment, so a damaged checkpoint over an intact JSON history still opens; damage
// with no way around is ECORRUPT.

import { PondError, isPondError } from '../../errors.js';
import type { Storage } from '../storage/index.js';
import { parseLogJson, type Action, type ActionBatch, type RemoveFile } from './actions.js';
import { LIVE_COLUMNS, readCheckpoint } from './checkpointRead.js';
import { LAST_CHECKPOINT, LOG_DIR, classicCheckpointPath, commitPath, pad20, type CheckpointFiles } from './logPaths.js';
import { earliestVersion, listingFromNames, missingCommits, segmentsFor, type LogListing, type LogSegment } from './logSegment.js';
import { checkReadable, ictEnabled, ictEnablementVersion } from './protocolCheck.js';
import { replay, type TableState } from './replay.js';
import { Snapshot } from './Snapshot.js';

export async function listLog(storage: Storage): Promise<LogListing> {
  return listingFromNames(await storage.names(LOG_DIR));
}

export async function readCommit(storage: Storage, version: number): Promise<Action[]> {
  const path = commitPath(version);
  let bytes: Uint8Array;
  try {
    bytes = await storage.read(path);
  } catch (err) {
    if (isPondError(err, 'ENOENT')) throw new PondError('ECORRUPT', `Delta commit ${path} is missing`, { op: 'read', path, cause: err });
    throw err;
  }
  return parseLogJson(bytes, path);
}

/** The parsed `_last_checkpoint`, or undefined when it is missing or unreadable. */
export interface CheckpointHint { version: number; parts?: number; v2Path?: string }

export async function readHint(storage: Storage): Promise<CheckpointHint | undefined> {
  try {
    const hint = JSON.parse(new TextDecoder().decode(await storage.read(LAST_CHECKPOINT))) as { version?: unknown; parts?: unknown; v2Checkpoint?: { path?: unknown } };
    if (!Number.isSafeInteger(hint.version) || (hint.version as number) < 0) return undefined;
    const out: CheckpointHint = { version: hint.version as number };
    if (Number.isSafeInteger(hint.parts) && (hint.parts as number) > 0) out.parts = hint.parts as number;
    if (typeof hint.v2Checkpoint?.path === 'string') out.v2Path = hint.v2Checkpoint.path;
    return out;
  } catch {
    // Missing, garbage or unreadable: it is only a hint, the listing will do.
    return undefined;
  }
}

/** The files of the checkpoint a hint names (they may not exist: the hint may be stale). */
function hintedCheckpoint(hint: CheckpointHint): CheckpointFiles {
  const v = hint.version;
  if (hint.v2Path !== undefined) {
    const name = hint.v2Path.slice(hint.v2Path.lastIndexOf('/') + 1);
    return { version: v, kind: 'v2', files: [`${LOG_DIR}/${name}`] };
  }
  if (hint.parts !== undefined && hint.parts > 1) {
    const files: string[] = [];
    for (let i = 1; i <= hint.parts; i++) files.push(`${LOG_DIR}/${pad20(v)}.checkpoint.${String(i).padStart(10, '0')}.${String(hint.parts).padStart(10, '0')}.parquet`);
    return { version: v, kind: 'multipart', files };
  }
  return { version: v, kind: 'classic', files: [classicCheckpointPath(v)] };
}

/** Commits read by probing: versions from, from+1, ... (contiguous), with their actions. */
export interface Probe {
  commits: number[];
  actions: Action[][];
  /** False when probing cannot be trusted: a commit exists after a missing one, or the tail is longer than `max`. */
  complete: boolean;
}

const PROBE_WINDOW = 8;

/**
 * Reads commits `from`, `from + 1`, ... until one is missing, PROBE_WINDOW names at a time
 * in parallel. A commit present after the first missing one (a gap, or a writer racing the
 * probe) or more than `max` commits make the probe incomplete: the caller then lists.
 */
export async function probeCommits(storage: Storage, from: number, max: number): Promise<Probe> {
  const commits: number[] = [];
  const actions: Action[][] = [];
  for (let v = from; ; v += PROBE_WINDOW) {
    const window = await Promise.all(Array.from({ length: PROBE_WINDOW }, (_, i) => readIfPresent(storage, commitPath(v + i))));
    const missing = window.indexOf(undefined);
    const end = missing < 0 ? PROBE_WINDOW : missing;
    for (let i = 0; i < end; i++) {
      commits.push(v + i);
      actions.push(parseLogJson(window[i]!, commitPath(v + i)));
    }
    if (missing >= 0) {
      const gap = window.slice(missing).some((b) => b !== undefined);
      return { commits, actions, complete: !gap };
    }
    if (commits.length > max) return { commits, actions, complete: false };
  }
}

async function readIfPresent(storage: Storage, path: string): Promise<Uint8Array | undefined> {
  try {
    return await storage.read(path);
  } catch (err) {
    if (isPondError(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/** Longest tail read by probing before listing is cheaper (and may find a newer checkpoint). */
const PROBE_MAX = 256;

/**
 * The latest snapshot. Happy path: `_last_checkpoint`, that checkpoint and the commits after
 * it; nothing is listed. Commits are the truth, so a stale hint only costs a longer tail.
 */
export async function loadLatest(storage: Storage): Promise<Snapshot> {
  const hint = await readHint(storage);
  if (hint) {
    const cp = hintedCheckpoint(hint);
    // The checkpoint decodes while the tail is probed.
    const actions = readCheckpoint(storage, cp, LIVE_COLUMNS);
    actions.catch(() => undefined);
    const probe = await probeCommits(storage, cp.version + 1, PROBE_MAX);
    if (probe.complete) {
      const seg: LogSegment = { version: cp.version + probe.commits.length, checkpoint: cp, commits: probe.commits };
      try {
        return await loadSegment(storage, seg, probe.actions, actions);
      } catch (err) {
        // A hinted checkpoint that is missing or damaged: the listing decides what else to use.
        if (!(err instanceof CheckpointUnreadable)) throw err;
      }
    }
  }
  const listing = await listLog(storage);
  return loadSnapshot(storage, listing, listing.latest);
}

export async function loadSnapshot(storage: Storage, listing: LogListing, version: number): Promise<Snapshot> {
  if (listing.latest < 0) {
    throw new PondError('ENOENT', `no Delta table at ${storage.location}: ${LOG_DIR} holds no commits`, { op: 'open', path: LOG_DIR });
  }
  if (!Number.isInteger(version) || version < 0 || version > listing.latest) {
    throw new PondError('ENOVERSION', `version ${version} is outside the table's history (0..${listing.latest})`, { op: 'snapshot', path: LOG_DIR });
  }
  const segments = segmentsFor(listing, version);
  if (segments.length === 0) throw await noSegment(storage, listing, version);
  let firstErr: unknown;
  for (const seg of segments) {
    try {
      return await loadSegment(storage, seg);
    } catch (err) {
      // Only a damaged checkpoint is worth a second try; damaged commits are shared by all.
      if (!(err instanceof CheckpointUnreadable)) throw err;
      firstErr ??= err.cause;
    }
  }
  throw firstErr;
}

async function loadSegment(storage: Storage, seg: LogSegment, readCommits?: Action[][], checkpointActions?: Promise<Action[]>): Promise<Snapshot> {
  const batches: ActionBatch[] = [];
  // Commits are read in parallel; replay wants them newest first.
  const commitActions = readCommits ?? await Promise.all(seg.commits.map((v) => readCommit(storage, v)));
  for (let i = seg.commits.length - 1; i >= 0; i--) {
    batches.push({ version: seg.commits[i]!, isCheckpoint: false, actions: commitActions[i]! });
  }
  let baseTombstones: (() => Promise<RemoveFile[]>) | undefined;
  if (seg.checkpoint) {
    const cp = seg.checkpoint;
    let actions: Action[];
    baseTombstones = async () => (await readCheckpoint(storage, cp, ['remove'])).flatMap((a) => ('remove' in a ? [a.remove] : []));
    try {
      actions = await (checkpointActions ?? readCheckpoint(storage, cp, LIVE_COLUMNS));
    } catch (err) {
      if (isPondError(err, 'ECORRUPT')) throw new CheckpointUnreadable(err);
      throw err;
    }
    batches.push({ version: seg.checkpoint.version, isCheckpoint: true, actions });
  }
  let state: TableState;
  try {
    state = replay(batches, seg.version, storage.location, baseTombstones);
  } catch (err) {
    // A checkpoint without protocol or metaData is as damaged as an unreadable one.
    if (seg.checkpoint && isPondError(err, 'ECORRUPT')) {
      throw new CheckpointUnreadable(new PondError('ECORRUPT', `corrupt Delta checkpoint ${seg.checkpoint.files[0]}: ${err.message}`, { op: 'read', path: seg.checkpoint.files[0] }));
    }
    throw err;
  }
  checkReadable(state.protocol, state.metadata, storage.location);
  const last = seg.commits.length && seg.commits[seg.commits.length - 1] === seg.version ? commitActions[commitActions.length - 1] : undefined;
  return new Snapshot(state, await commitTimestamp(storage, state, last));
}

/**
 * The time of `state.version`: its inCommitTimestamp when ICT covers that version, else the
 * commit file's mtime (or the checkpoint's, when the commit is gone).
 */
export async function commitTimestamp(storage: Storage, state: TableState, actions?: Action[]): Promise<number> {
  const v = state.version;
  if (ictEnabled(state.metadata) && v >= ictEnablementVersion(state.metadata)) {
    let acts = actions;
    if (!acts) {
      try {
        acts = await readCommit(storage, v);
      } catch (err) {
        if (!isPondError(err, 'ECORRUPT')) throw err;
      }
    }
    const ict = acts ? ictOf(acts) : undefined;
    if (ict !== undefined) return ict;
  }
  const st = await storage.stat(commitPath(v));
  if (st) return st.mtimeMs;
  return 0;
}

export function ictOf(actions: readonly Action[]): number | undefined {
  const first = actions[0];
  if (first && 'commitInfo' in first && typeof first.commitInfo.inCommitTimestamp === 'number') return first.commitInfo.inCommitTimestamp;
  return undefined;
}

/** Marks a failure that another segment (older checkpoint, plain JSON) may get around. */
class CheckpointUnreadable extends Error {
  override readonly cause: PondError;
  constructor(cause: PondError) {
    super(cause.message);
    this.cause = cause;
  }
}

async function noSegment(storage: Storage, listing: LogListing, version: number): Promise<PondError> {
  const earliest = earliestVersion(listing);
  if (earliest >= 0 && version < earliest) {
    return new PondError('ENOVERSION', `version ${version} is no longer reconstructible (earliest ${earliest})`, { op: 'snapshot', path: LOG_DIR });
  }
  // Name what is missing: the checkpoint _last_checkpoint promised, or the commit gap.
  try {
    const hint = JSON.parse(new TextDecoder().decode(await storage.read(LAST_CHECKPOINT))) as { version?: unknown };
    if (typeof hint.version === 'number' && !listing.checkpoints.some((c) => c.version === hint.version)) {
      const p = `${LOG_DIR}/${String(hint.version).padStart(20, '0')}.checkpoint.parquet`;
      return new PondError('ECORRUPT', `Delta checkpoint ${p} named by ${LAST_CHECKPOINT} is missing and earlier commits are gone`, { op: 'open', path: p });
    }
  } catch {
    // No usable hint; fall through to the commit gap.
  }
  const base = listing.checkpoints.find((c) => c.version <= version)?.version ?? -1;
  const gap = missingCommits(listing, base + 1, version);
  const p = gap.length ? commitPath(gap[0]!) : LOG_DIR;
  return new PondError('ECORRUPT', `cannot rebuild version ${version}: ${gap.length ? `commit ${p} is missing` : 'no checkpoint or commit 0'}`, { op: 'open', path: p });
}
