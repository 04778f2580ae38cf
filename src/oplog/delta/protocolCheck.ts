// Which tables the pond may read and write. A reader that ignores a reader feature it does
// not implement returns wrong rows (deletion vectors hide rows, column mapping renames
// columns), so anything unknown is refused by name rather than read approximately.

import { PondError } from '../../errors.js';
import type { Metadata, Protocol } from './actions.js';

/** Reader features that do not change which files or rows are live. */
const READABLE_FEATURES = new Set(['v2Checkpoint', 'timestampNtz', 'vacuumProtocolCheck', 'checkpointProtection']);

/** Writer features whose rules the pond's commits and checkpoints follow. */
const WRITABLE_FEATURES = new Set(['appendOnly', 'invariants', 'inCommitTimestamp', 'timestampNtz', 'vacuumProtocolCheck']);

export function checkReadable(protocol: Protocol, metadata: Metadata | undefined, path: string): void {
  const r = protocol.minReaderVersion;
  if (r > 3) {
    throw unsupported(`reader version ${r}`, path);
  }
  if (r === 2) {
    // Reader version 2 exists only for column mapping.
    throw unsupported('columnMapping (reader version 2)', path);
  }
  if (r === 3) {
    for (const f of protocol.readerFeatures ?? []) {
      if (!READABLE_FEATURES.has(f)) throw unsupported(f, path);
    }
  }
  const mode = metadata?.configuration['delta.columnMapping.mode'];
  if (mode !== undefined && mode !== 'none') throw unsupported(`columnMapping (mode ${mode})`, path);
}

export function checkWritable(protocol: Protocol, path: string): void {
  const w = protocol.minWriterVersion;
  if (w > 7 || (w > 2 && w < 7)) throw unsupported(`writer version ${w}`, path, 'write');
  if (w === 7) {
    for (const f of protocol.writerFeatures ?? []) {
      if (!WRITABLE_FEATURES.has(f)) throw unsupported(`writer feature ${f}`, path, 'write');
    }
  }
}

function unsupported(feature: string, path: string, op = 'read'): PondError {
  const role = op === 'read' ? 'reader feature' : 'writer support for';
  return new PondError('EUNSUPPORTED', `Delta table at ${path} needs ${role} ${feature}, which pond does not implement`, { op, path });
}

/** In-commit timestamps are on when the table property says so (PROTOCOL.md, ICT). */
export function ictEnabled(metadata: Metadata): boolean {
  return metadata.configuration['delta.enableInCommitTimestamps'] === 'true';
}

/** The first version whose commit carries an inCommitTimestamp (0 when enabled at creation). */
export function ictEnablementVersion(metadata: Metadata): number {
  const v = metadata.configuration['delta.inCommitTimestampEnablementVersion'];
  return v === undefined ? 0 : Number(v);
}
