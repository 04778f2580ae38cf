// DuckDB values -> plain values that print and serialise sensibly: BIGINT as a number when
// it is safe (else its decimal string), timestamps as ISO-8601 UTC, nested values as JSON.
import type { DuckDBValue, Json } from '@duckdb/node-api';

export type Cell = string | number | boolean | null | Cell[] | { [k: string]: Cell };

/** Tells timestamp values apart without importing DuckDB's classes (loaded lazily). */
function timestampMicros(v: unknown): bigint | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const name = v.constructor.name;
  if (name !== 'DuckDBTimestampTZValue' && name !== 'DuckDBTimestampValue') return undefined;
  const micros = (v as { micros?: unknown }).micros;
  return typeof micros === 'bigint' ? micros : undefined;
}

export function isoMicros(micros: bigint): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const iso = new Date(Number(ms)).toISOString();
  const sub = ((micros % 1000n) + 1000n) % 1000n;
  return sub === 0n ? iso : `${iso.slice(0, -1)}${String(sub).padStart(3, '0')}Z`;
}

/** `raw` is the value as DuckDB returns it, `json` its JSON form (used for everything else). */
export function toCell(raw: DuckDBValue, json: Json): Cell {
  if (raw === null) return null;
  if (typeof raw === 'bigint') return Number.isSafeInteger(Number(raw)) ? Number(raw) : raw.toString();
  const micros = timestampMicros(raw);
  if (micros !== undefined) {
    const max = 9223372036854775807n;
    if (micros === max || micros === -max) return micros > 0n ? 'infinity' : '-infinity';
    return isoMicros(micros);
  }
  return json as Cell;
}

/** A cell as text for tables and CSV: null is empty, nested values are JSON. */
export function cellText(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'object') return JSON.stringify(c);
  return String(c);
}
