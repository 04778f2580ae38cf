import { chunkAndStore } from '../oplog/index.js';
import { BytesContent, type ContentSource, EMPTY_CONTENT, type FS, FileContent, type FileNode } from '../tinyfs/index.js';
import { EMPTY_SHA256, INLINE_MAX } from './flush.js';
import type { Pond } from './Pond.js';
import { ChunkedContent, type ContentLoader, committedOf } from './sources.js';

// Content that arrives whole (a host file, stdin, a past version) instead of as writes.
// Large content goes straight into the chunk store while it streams, and the file's node
// then refers to it by chunk list: the flush stores that reference without reading the
// bytes again, so an import or a restore of a huge file costs bounded memory.

/**
 * Reads a stream to its end: small content stays in memory (a flush puts it inline),
 * larger content is chunked into the pond's content store as it arrives.
 */
export async function contentFromStream(pond: Pond, stream: AsyncIterable<Uint8Array>): Promise<ContentSource> {
  const it = stream[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  for (;;) {
    const next = await it.next();
    if (next.done) {
      if (headBytes === 0) return EMPTY_CONTENT;
      return new BytesContent(Buffer.concat(head, headBytes));
    }
    head.push(next.value);
    headBytes += next.value.length;
    if (headBytes > INLINE_MAX) break;
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    // Copies: stream buffers may be pooled and the chunker keeps views of what it is given.
    for (const b of head.splice(0)) yield Uint8Array.prototype.slice.call(b);
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield Uint8Array.prototype.slice.call(next.value);
    }
  }
  // Staged: the next flush publishes them (one durability barrier) before its commit.
  const stored = await chunkAndStore(pond.oplog.content, all(), { staged: true });
  return new ChunkedContent(stored.size, stored.sha256, stored.chunks, pond.cache, loaderOf(pond));
}

/** Makes `file`'s content `source` (one content change, like truncate + write). */
export async function replaceContent(fs: FS, file: FileNode, source: ContentSource): Promise<void> {
  // truncate checks writability and records a content change; the new base then stands
  // for the whole content, so a committed source is stored by reference.
  await fs.truncate(file, 0);
  file.content = new FileContent(source);
}

/** The committed source behind a node's content (a view's files always have one). */
export function committedSource(file: FileNode): ContentSource | undefined {
  const c = committedOf(file.content);
  if (c === 'empty') return EMPTY_CONTENT;
  return c;
}

/** The SHA-256 of committed content, when known without reading it. */
export function committedSha(file: FileNode): string | undefined {
  const c = committedOf(file.content);
  if (c === 'empty') return EMPTY_SHA256;
  return c?.sha256;
}

function loaderOf(pond: Pond): ContentLoader {
  return {
    inline: (source) => pond.oplog.readContent(source),
    chunk: (ref) => pond.oplog.content.get(ref),
  };
}
