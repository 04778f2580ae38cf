// The gear table of the FastCDC rolling hash: 256 fixed pseudo-random 32-bit words.
// Cut points, and so deduplication across versions, depend on these exact values: never
// change them. They are the first four bytes of SHA-256("pond-gear-<i>"), which anyone
// can recompute, instead of an opaque literal table.
import { createHash } from 'node:crypto';

function makeGear(): Uint32Array {
  const gear = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    gear[i] = createHash('sha256').update(`pond-gear-${i}`).digest().readUInt32BE(0);
  }
  return gear;
}

// As int32 words: the hash loop then stays in small-integer arithmetic (a Uint32Array
// element above 2^31 is a double).
export const GEAR: Int32Array = new Int32Array(makeGear().buffer);
