// Whole content -> chunks in the store + the file's hash and chunk list, in one pass and
// bounded memory: chunks are stored while the source is still being read.
import { createHash } from 'node:crypto';
import type { ChunkRef } from '../records/index.js';
import { Chunker, type ChunkerOptions } from './Chunker.js';
import type { ContentStore } from './ContentStore.js';

export interface StoredContent {
  /** Hex SHA-256 of the whole content. */
  sha256: string;
  size: number;
  chunks: ChunkRef[];
}

export async function chunkAndStore(
  store: ContentStore,
  data: Uint8Array | AsyncIterable<Uint8Array>,
  opts: ChunkerOptions & { parallelism?: number; staged?: boolean } = {},
): Promise<StoredContent> {
  const chunker = new Chunker(opts);
  const whole = createHash('sha256');
  const parallelism = opts.parallelism ?? store.parallelism;
  const refs: Array<Promise<ChunkRef>> = [];
  const inFlight = new Set<Promise<ChunkRef>>();
  let size = 0;

  const store1 = async (chunk: Uint8Array): Promise<void> => {
    // Bounded: wait for a slot so a huge source never has all its chunks in memory.
    while (inFlight.size >= parallelism) await Promise.race(inFlight);
    const p = store.put(chunk, { staged: opts.staged ?? false });
    refs.push(p);
    inFlight.add(p);
    const done = (): void => { inFlight.delete(p); };
    p.then(done, done);
  };
  const feed = async (buf: Uint8Array): Promise<void> => {
    whole.update(buf);
    size += buf.length;
    for (const chunk of chunker.push(buf)) await store1(chunk);
  };

  if (data instanceof Uint8Array) await feed(data);
  else for await (const buf of data) await feed(buf);
  for (const chunk of chunker.finish()) await store1(chunk);
  const chunks = await Promise.all(refs);
  return { sha256: whole.digest('hex'), size, chunks };
}
