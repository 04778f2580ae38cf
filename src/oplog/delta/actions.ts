// Delta log actions as they appear in a commit file (one JSON object per line) and, after
// conversion, in a checkpoint. The shapes follow PROTOCOL.md; only fields the pond reads or
// writes are typed, everything else is carried through untouched.

import { PondError } from '../../errors.js';

export interface Protocol {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

export interface Metadata {
  id: string;
  name?: string | null;
  description?: string | null;
  format: { provider: string; options: Record<string, string> };
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number | null;
}

export interface AddFile {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  stats?: string | null;
  tags?: Record<string, string> | null;
  deletionVector?: unknown;
}

export interface RemoveFile {
  path: string;
  deletionTimestamp?: number | null;
  dataChange: boolean;
  partitionValues?: Record<string, string | null> | null;
  size?: number | null;
  extendedFileMetadata?: boolean | null;
}

export type CommitInfo = Record<string, unknown> & {
  timestamp?: number;
  inCommitTimestamp?: number;
  operation?: string;
};

/** SetTransaction: the last version an application wrote, for idempotent writers. */
export interface Txn { appId: string; version: number; lastUpdated?: number }

export interface DomainMetadata { domain: string; configuration: string; removed: boolean }

export type Action =
  | { add: AddFile }
  | { remove: RemoveFile }
  | { metaData: Metadata }
  | { protocol: Protocol }
  | { commitInfo: CommitInfo }
  | { txn: Txn }
  | { domainMetadata: DomainMetadata };

/** Actions of one commit or one checkpoint, in file order. */
export interface ActionBatch {
  version: number;
  /** Checkpoint batches hold the whole state; their removes are only tombstones. */
  isCheckpoint: boolean;
  actions: Action[];
}

const KNOWN = new Set(['add', 'remove', 'metaData', 'protocol', 'commitInfo', 'txn', 'domainMetadata']);

/**
 * Parses a newline-delimited JSON log file (a commit or a v2 JSON checkpoint). Action kinds
 * the pond does not use (cdc, checkpointMetadata, ...) are skipped, except `sidecar`, which
 * the caller asks for. Anything that is not a JSON object per line is ECORRUPT: a half
 * written or damaged commit must never turn into a silently shorter snapshot.
 */
export function parseLogJson(bytes: Uint8Array, path: string, sidecars?: string[]): Action[] {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const out: Action[] = [];
  let lineNo = 0;
  let sawAny = false;
  for (const line of text.split('\n')) {
    lineNo++;
    if (line.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      throw new PondError('ECORRUPT', `corrupt Delta log file ${path}: line ${lineNo} is not valid JSON`, { op: 'read', path, cause: err });
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new PondError('ECORRUPT', `corrupt Delta log file ${path}: line ${lineNo} is not an action object`, { op: 'read', path });
    }
    sawAny = true;
    const rec = obj as Record<string, unknown>;
    for (const [kind, body] of Object.entries(rec)) {
      if (body === null || body === undefined) continue;
      if (kind === 'sidecar' && sidecars) {
        const p = (body as { path?: unknown }).path;
        if (typeof p !== 'string') throw corrupt(path, lineNo, 'sidecar without path');
        sidecars.push(p);
        continue;
      }
      if (!KNOWN.has(kind)) continue;
      out.push(checkAction(kind, body, path, lineNo));
    }
  }
  if (!sawAny) throw new PondError('ECORRUPT', `corrupt Delta log file ${path}: no actions`, { op: 'read', path });
  return out;
}

function corrupt(path: string, lineNo: number, what: string): PondError {
  return new PondError('ECORRUPT', `corrupt Delta log file ${path}: line ${lineNo}: ${what}`, { op: 'read', path });
}

/** Checks the fields replay relies on; a log missing them is damaged, not merely odd. */
export function checkAction(kind: string, body: unknown, path: string, lineNo: number): Action {
  if (typeof body !== 'object' || body === null) throw corrupt(path, lineNo, `${kind} is not an object`);
  const b = body as Record<string, unknown>;
  switch (kind) {
    case 'add':
      if (typeof b.path !== 'string') throw corrupt(path, lineNo, 'add without path');
      if (typeof b.size !== 'number') throw corrupt(path, lineNo, `add ${b.path} without size`);
      if (b.partitionValues === undefined || b.partitionValues === null) b.partitionValues = {};
      return { add: b as unknown as AddFile };
    case 'remove':
      if (typeof b.path !== 'string') throw corrupt(path, lineNo, 'remove without path');
      return { remove: b as unknown as RemoveFile };
    case 'metaData':
      if (typeof b.id !== 'string' || typeof b.schemaString !== 'string') throw corrupt(path, lineNo, 'metaData without id or schemaString');
      if (!Array.isArray(b.partitionColumns)) b.partitionColumns = [];
      if (typeof b.configuration !== 'object' || b.configuration === null) b.configuration = {};
      if (typeof b.format !== 'object' || b.format === null) b.format = { provider: 'parquet', options: {} };
      return { metaData: b as unknown as Metadata };
    case 'protocol':
      if (typeof b.minReaderVersion !== 'number' || typeof b.minWriterVersion !== 'number') throw corrupt(path, lineNo, 'protocol without versions');
      // Checkpoints store absent feature lists as null; the type says absent.
      if (b.readerFeatures === null) delete b.readerFeatures;
      if (b.writerFeatures === null) delete b.writerFeatures;
      return { protocol: b as unknown as Protocol };
    case 'txn':
      if (typeof b.appId !== 'string' || typeof b.version !== 'number') throw corrupt(path, lineNo, 'txn without appId or version');
      return { txn: b as unknown as Txn };
    case 'domainMetadata':
      if (typeof b.domain !== 'string') throw corrupt(path, lineNo, 'domainMetadata without domain');
      return { domainMetadata: b as unknown as DomainMetadata };
    default:
      return { commitInfo: b as CommitInfo };
  }
}

/** One action per line, as Delta commit files are written. */
export function serializeActions(actions: Action[]): Uint8Array {
  return new TextEncoder().encode(actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
}
