// An immutable map whose next version costs the size of the change, not of the map.
//
// Each commit derives the table's next state from the last one, and older snapshots must
// not change under their readers; copying the live-file and tombstone maps for that made
// every commit O(table): with 3,000 data files, ~0.5 ms of an fsync's commit went to Map
// copies. A LayeredMap shares its base Map with the versions derived from it and keeps
// the changes since in a small top layer, folded into a new base once the layer grows
// past FOLD_AT(base size) (so a change is copied O(sqrt n) times before the fold, and the
// fold's O(n) is paid once per ~sqrt n changes).

/** Marks a key of the base that the top layer deletes. */
const GONE: unique symbol = Symbol('gone');
type Slot<V> = V | typeof GONE;

/** Top-layer size that folds the layers into a new base. */
function foldAt(baseSize: number): number {
  return 32 + 2 * Math.ceil(Math.sqrt(baseSize));
}

export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  private constructor(
    private readonly base: ReadonlyMap<K, V>,
    private readonly top: ReadonlyMap<K, Slot<V>>,
    readonly size: number,
  ) {}

  /** `map` as a LayeredMap; a plain map becomes the base (and must not change afterwards). */
  static of<K, V>(map: ReadonlyMap<K, V>): LayeredMap<K, V> {
    return map instanceof LayeredMap ? (map as LayeredMap<K, V>) : new LayeredMap<K, V>(map, new Map(), map.size);
  }

  /**
   * This map with `changes` applied in order: [key, value] sets, [key, undefined] deletes.
   * This map is unchanged.
   */
  with(changes: Iterable<readonly [K, V | undefined]>): LayeredMap<K, V> {
    const top = new Map<K, Slot<V>>(this.top);
    let size = this.size;
    for (const [k, v] of changes) {
      const present = top.has(k) ? top.get(k) !== GONE : this.base.has(k);
      if (v === undefined) {
        if (!present) continue;
        size--;
        if (this.base.has(k)) top.set(k, GONE);
        else top.delete(k);
      } else {
        if (!present) size++;
        top.set(k, v);
      }
    }
    if (top.size <= foldAt(this.base.size)) return new LayeredMap(this.base, top, size);
    const folded = new Map<K, V>();
    for (const [k, v] of layers(this.base, top)) folded.set(k, v);
    return new LayeredMap<K, V>(folded, new Map(), folded.size);
  }

  get(key: K): V | undefined {
    const t = this.top.get(key);
    if (t !== undefined) return t === GONE ? undefined : t;
    return this.top.has(key) ? undefined : this.base.get(key);
  }

  has(key: K): boolean {
    return this.top.has(key) ? this.top.get(key) !== GONE : this.base.has(key);
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this) fn.call(thisArg, v, k, this);
  }

  /** Base order (a key set again keeps its place), then keys new in the top layer. */
  [Symbol.iterator](): MapIterator<[K, V]> {
    return layers(this.base, this.top);
  }

  entries(): MapIterator<[K, V]> {
    return layers(this.base, this.top);
  }

  *keys(): MapIterator<K> {
    for (const [k] of this) yield k;
    return undefined;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this) yield v;
    return undefined;
  }
}

function* layers<K, V>(base: ReadonlyMap<K, V>, top: ReadonlyMap<K, Slot<V>>): MapIterator<[K, V]> {
  if (top.size === 0) {
    yield* base;
    return undefined;
  }
  for (const [k, v] of base) {
    const t = top.get(k);
    if (t === undefined && !top.has(k)) yield [k, v];
    else if (t !== GONE) yield [k, t as V];
  }
  for (const [k, t] of top) if (t !== GONE && !base.has(k)) yield [k, t];
  return undefined;
}
