// Writing one version: the commit file is built in memory and published with put-if-absent,
// so two writers racing for the same version cannot both win and the loser never damages
// the winner's file. The loser gets ECONFLICT and must refresh before trying again.

import { PondError, isPondError } from '../../errors.js';
import type { Storage } from '../storage/index.js';
import { serializeActions, type Action, type CommitInfo } from './actions.js';
import { commitPath } from './logPaths.js';

export interface CommitPlan {
  version: number;
  /** commitInfo first, then the caller's actions. */
  actions: Action[];
  /** The inCommitTimestamp written, when the table uses ICT. */
  inCommitTimestamp?: number;
}

/**
 * Puts commitInfo first (ICT requires it; other readers like it there) and folds any
 * commitInfo the caller passed among the actions into it.
 */
export function planCommit(args: {
  version: number;
  actions: readonly Action[];
  commitInfo?: CommitInfo;
  timestamp?: number;
  /** Present when the table enables in-commit timestamps: the previous version's ICT. */
  previousIct?: number | null;
  ict: boolean;
}): CommitPlan {
  const now = args.timestamp ?? Date.now();
  let info: CommitInfo = { timestamp: now, operation: 'WRITE', operationParameters: {}, engineInfo: 'pond' };
  const rest: Action[] = [];
  for (const a of args.actions) {
    if ('commitInfo' in a) info = { ...info, ...a.commitInfo };
    else rest.push(a);
  }
  if (args.commitInfo) info = { ...info, ...args.commitInfo };
  let ict: number | undefined;
  if (args.ict) {
    // Strictly increasing, even when the clock steps back or two commits share a millisecond.
    ict = Math.max(now, (args.previousIct ?? -Infinity) + 1);
    const { inCommitTimestamp: _ignored, ...others } = info;
    info = { inCommitTimestamp: ict, ...others, timestamp: ict };
  }
  return { version: args.version, actions: [{ commitInfo: info }, ...rest], ...(ict === undefined ? {} : { inCommitTimestamp: ict }) };
}

/**
 * Publishes a planned commit, once `after` (its data files) has resolved. EEXIST from
 * storage becomes ECONFLICT naming the version.
 */
export async function writeCommit(storage: Storage, plan: CommitPlan, after?: Promise<unknown>): Promise<void> {
  const path = commitPath(plan.version);
  try {
    await storage.putIfAbsent(path, serializeActions(plan.actions), after ? { after } : {});
  } catch (err) {
    if (isPondError(err, 'EEXIST')) {
      throw new PondError('ECONFLICT', `another writer committed version ${plan.version} first (${path})`, { op: 'commit', path, cause: err });
    }
    throw err;
  }
}
