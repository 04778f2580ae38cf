// Whole content -> chunks in the store + the file's hash and chunk list, in one pass and
// bounded memory: chunks are stored while the source is still being read.
import { createHash } from 'node:crypto';
import type { ChunkRef } from '../records/index.js';
import { ChunkWriter, type ChunkWriterOptions } from './ChunkWriter.js';
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
  opts: ChunkWriterOptions = {},
): Promise<StoredContent> {
  const writer = new ChunkWriter(store, opts);
  const whole = createHash('sha256');
  let size = 0;
  const feed = async (buf: Uint8Array): Promise<void> => {
    whole.update(buf);
    size += buf.length;
    await writer.push(buf);
  };
  try {
    if (data instanceof Uint8Array) await feed(data);
    else for await (const buf of data) await feed(buf);
  } catch (err) {
    writer.abort();
    throw err;
  }
  const chunks = await writer.finish();
  return { sha256: whole.digest('hex'), size, chunks };
}
