// Names inside `_delta_log/`. Readers must recognise only these shapes and ignore every
// other name (`.crc` checksums, `.tmp/` leftovers, compacted logs, editor droppings).

export const LOG_DIR = '_delta_log';
export const LAST_CHECKPOINT = `${LOG_DIR}/_last_checkpoint`;
export const SIDECAR_DIR = `${LOG_DIR}/_sidecars`;

export function pad20(version: number): string {
  return String(version).padStart(20, '0');
}

export function commitPath(version: number): string {
  return `${LOG_DIR}/${pad20(version)}.json`;
}

export function classicCheckpointPath(version: number): string {
  return `${LOG_DIR}/${pad20(version)}.checkpoint.parquet`;
}

export type CheckpointKind = 'classic' | 'multipart' | 'v2';

/** A checkpoint found by listing: all the files it needs, relative to the table root. */
export interface CheckpointFiles {
  version: number;
  kind: CheckpointKind;
  files: string[];
}

export type LogName =
  | { type: 'commit'; version: number }
  | { type: 'checkpoint'; version: number; kind: 'classic' }
  | { type: 'checkpoint'; version: number; kind: 'multipart'; part: number; parts: number }
  | { type: 'checkpoint'; version: number; kind: 'v2' };

const COMMIT = /^(\d{20})\.json$/;
const CLASSIC = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const V2 = /^(\d{20})\.checkpoint\.[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\.(json|parquet)$/;

/** Classifies a bare file name from `_delta_log/`; undefined for names readers ignore. */
export function parseLogName(name: string): LogName | undefined {
  let m = COMMIT.exec(name);
  if (m) return { type: 'commit', version: Number(m[1]) };
  m = CLASSIC.exec(name);
  if (m) return { type: 'checkpoint', version: Number(m[1]), kind: 'classic' };
  m = MULTI.exec(name);
  if (m) return { type: 'checkpoint', version: Number(m[1]), kind: 'multipart', part: Number(m[2]), parts: Number(m[3]) };
  m = V2.exec(name);
  if (m) return { type: 'checkpoint', version: Number(m[1]), kind: 'v2' };
  return undefined;
}
