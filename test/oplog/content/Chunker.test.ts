import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Chunker, chunkBytes, cutPoints, GEAR } from '../../../src/oplog/content/index.js';

// Deterministic pseudo-random bytes so failures reproduce.
function prng(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; out[i] = x & 255; }
  return out;
}

describe('Chunker', () => {
  const data = prng(10 << 20, 42);

  // Cut points decide what deduplicates against chunks already stored: pin them, so a
  // change to the gear table or the masks cannot slip in unnoticed.
  it('has a fixed gear table and fixed cut points', () => {
    expect(GEAR.length).toBe(256);
    expect([GEAR[0]! >>> 0, GEAR[1]! >>> 0, GEAR[255]! >>> 0]).toEqual([2033366235, 4026601864, 2866911319]);
    expect(new Set(GEAR).size).toBe(256);
    expect(cutPoints(prng(4 << 20, 42)).slice(0, 5)).toEqual([319858, 694607, 964097, 1226414, 1588493]);
    // The sizes ponds used before 256 KiB chunks: old content keeps deduplicating there.
    expect(cutPoints(prng(1 << 20, 42), { min: 16384, avg: 65536, max: 262144 }).slice(0, 5)).toEqual([95918, 186940, 262943, 319858, 397303]);
  });

  it('is deterministic and respects min/max', () => {
    const a = cutPoints(data);
    expect(cutPoints(data)).toEqual(a);
    const sizes = a.map((e, i) => e - (i ? a[i - 1]! : 0));
    expect(a.at(-1)).toBe(data.length);
    for (const s of sizes.slice(0, -1)) { expect(s).toBeGreaterThanOrEqual(64 * 1024); expect(s).toBeLessThanOrEqual(1024 * 1024); }
    const avg = data.length / sizes.length;
    expect(avg).toBeGreaterThan(160 * 1024);
    expect(avg).toBeLessThan(440 * 1024);
  });

  it('cuts zeros at the maximum', () => {
    const sizes = chunkBytes(new Uint8Array(4 << 20)).map((c) => c.length);
    expect(sizes).toEqual([1048576, 1048576, 1048576, 1048576]);
  });

  it('gives the same cuts when fed in pieces', () => {
    const c = new Chunker();
    const out: Uint8Array[] = [];
    let off = 0;
    for (let step = 1; off < data.length; step = (step * 7 + 13) % 100000 + 1) {
      out.push(...c.push(data.subarray(off, Math.min(off + step, data.length))));
      off += step;
    }
    out.push(...c.finish());
    let end = 0;
    expect(out.map((x) => (end += x.length))).toEqual(cutPoints(data));
    expect(Buffer.concat(out).equals(Buffer.from(data))).toBe(true);
  });

  it('keeps later cut points after an insertion at the start', () => {
    const before = cutPoints(data);
    const after = new Set(cutPoints(Buffer.concat([Buffer.from([0x5a]), data])).map((x) => x - 1));
    const shared = before.filter((x) => after.has(x)).length;
    expect(shared / before.length).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps cut points after a mid-file insertion', () => {
    const mid = 5 << 20;
    const edited = Buffer.concat([data.subarray(0, mid), randomBytes(100), data.subarray(mid)]);
    const before = cutPoints(data);
    const after = new Set(cutPoints(edited).map((x) => (x > mid ? x - 100 : x)));
    expect(before.filter((x) => after.has(x)).length / before.length).toBeGreaterThanOrEqual(0.9);
  });

  it('handles empty and tiny input', () => {
    expect(chunkBytes(new Uint8Array(0))).toEqual([]);
    expect(chunkBytes(new Uint8Array(5)).map((c) => c.length)).toEqual([5]);
  });
});
