import { PondError } from '../errors.js';

export type VersionSpec = { kind: 'version'; version: number } | { kind: 'time'; time: number };

/** `V|TIME`: a non-negative integer is a version; anything else must be an ISO-8601 time. */
export function parseVersionSpec(spec: string | number): VersionSpec {
  if (typeof spec === 'number' || /^\d+$/.test(spec)) {
    const version = Number(spec);
    if (!Number.isSafeInteger(version) || version < 0) throw new PondError('EUSAGE', `bad version: ${spec}`);
    return { kind: 'version', version };
  }
  const s = spec.startsWith('@') ? spec.slice(1) : spec;
  // Require a date at least: Date.parse accepts too much ("1", "May").
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) throw new PondError('EUSAGE', `not a version or ISO-8601 time: ${spec}`);
  const time = Date.parse(s);
  if (Number.isNaN(time)) throw new PondError('EUSAGE', `not a version or ISO-8601 time: ${spec}`);
  return { kind: 'time', time };
}
