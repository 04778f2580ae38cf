import { describe, expect, it } from 'vitest';
import { LayeredMap } from '../../../src/oplog/delta/index.js';

/** A seeded linear congruential generator: the same walk on every run. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('LayeredMap', () => {
  it('matches a Map through a random walk of sets and deletes, folds included, and leaves older versions as they were', () => {
    const rand = rng(7);
    const ref = new Map<number, string>();
    for (let k = 0; k < 300; k++) ref.set(k, `v${k}`);
    let cur = LayeredMap.of(new Map(ref));
    const history: Array<[LayeredMap<number, string>, Map<number, string>]> = [];
    for (let step = 0; step < 400; step++) {
      const changes: Array<[number, string | undefined]> = [];
      for (let c = Math.floor(rand() * 6); c >= 0; c--) {
        const k = Math.floor(rand() * 400);
        const v = rand() < 0.4 ? undefined : `s${step}k${k}`;
        changes.push([k, v]);
        if (v === undefined) ref.delete(k);
        else ref.set(k, v);
      }
      cur = cur.with(changes);
      history.push([cur, new Map(ref)]);
    }
    history.forEach(([m, want], i) => {
      expect(m.size).toBe(want.size);
      expect(new Map(m)).toEqual(want);
      if (i % 25) return;
      expect([...m.keys()].sort((a, b) => a - b)).toEqual([...want.keys()].sort((a, b) => a - b));
      for (let k = 0; k < 400; k++) {
        expect(m.has(k)).toBe(want.has(k));
        expect(m.get(k)).toBe(want.get(k));
      }
    });
  });

  it('keeps Map order: a key set again stays in place, new keys come last, deleted ones are gone', () => {
    const m = LayeredMap.of(new Map([['a', 1], ['b', 2], ['c', 3]])).with([['b', 20], ['d', 4], ['a', undefined], ['e', 5], ['e', undefined]]);
    expect([...m]).toEqual([['b', 20], ['c', 3], ['d', 4]]);
    expect([...m.values()]).toEqual([20, 3, 4]);
    const seen: string[] = [];
    m.forEach((v, k) => seen.push(`${k}=${v}`));
    expect(seen).toEqual(['b=20', 'c=3', 'd=4']);
    expect(m.size).toBe(3);
    // Deleting what is absent changes nothing.
    expect(m.with([['zz', undefined]]).size).toBe(3);
  });
});
