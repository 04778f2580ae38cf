import { LRUCache } from 'lru-cache';

// Verified content bytes by SHA-256, bounded in bytes. Chunks and inline contents share
// it: a hash names the same bytes wherever they appear, so identical content is cached
// once. Concurrent misses for one hash share one load.

export class ContentCache {
  private readonly lru: LRUCache<string, Uint8Array>;
  private readonly loading = new Map<string, Promise<Uint8Array>>();

  constructor(readonly maxBytes: number) {
    this.lru = new LRUCache<string, Uint8Array>({
      maxSize: Math.max(1, maxBytes),
      // An empty buffer still costs a slot; lru-cache needs sizes >= 1.
      sizeCalculation: (v) => Math.max(1, v.byteLength),
    });
  }

  get bytes(): number {
    return this.lru.calculatedSize;
  }

  peek(sha256: string): Uint8Array | undefined {
    return this.lru.get(sha256);
  }

  /** Evicts least recently used content until at most `bytes` are held. */
  trim(bytes: number): void {
    while (this.lru.size > 0 && this.lru.calculatedSize > Math.max(0, bytes)) this.lru.pop();
  }

  set(sha256: string, bytes: Uint8Array): void {
    // Larger than the whole cache: lru-cache would refuse it anyway.
    if (bytes.byteLength <= this.maxBytes) this.lru.set(sha256, bytes);
  }

  async get(sha256: string, load: () => Promise<Uint8Array>): Promise<Uint8Array> {
    const hit = this.lru.get(sha256);
    if (hit) return hit;
    let pending = this.loading.get(sha256);
    if (!pending) {
      pending = load().then(
        (bytes) => {
          this.loading.delete(sha256);
          this.set(sha256, bytes);
          return bytes;
        },
        (err: unknown) => {
          this.loading.delete(sha256);
          throw err;
        },
      );
      this.loading.set(sha256, pending);
    }
    return pending;
  }
}
