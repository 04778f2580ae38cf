import type { ContentStore } from '../oplog/index.js';
import type { FileNode } from '../tinyfs/index.js';
import type { ContentCache } from './ContentCache.js';
import { stageChunks } from './flush.js';
import type { LogBackend } from './LogBackend.js';

// A spill frees the dirty pages of big files without a commit: their bytes become chunk
// files (the same chunks the next commit would make; Pond publishes them at once), and
// the file's content reads them from there. The next commit names them: so memory
// pressure no longer makes versions the user never asked for (a 1 GiB copy made one per
// 16 MiB), and a crash before that commit loses only unsynced writes, as it would have
// anyway; their chunks stay in the store, named by nothing.

/** Files whose dirty pages are worth a spill: below this, a page map costs little. */
export const SPILL_MIN = 1024 * 1024;

/**
 * Spills each file's content as it is now; writes arriving meanwhile stay in pages on
 * top. Returns the bytes chunked (counted as written by the commit that names them). A
 * file that fails keeps its pages (nothing is lost); the error is thrown after `unfreed`
 * is told the dirty bytes that did not leave memory.
 */
export async function spillFiles(files: readonly FileNode[], store: ContentStore, cache: ContentCache, backend: LogBackend,
  unfreed: (bytes: number) => void): Promise<number> {
  let chunkedBytes = 0;
  const taken = files.map((node) => ({ node, dirty: node.content.dirtyBytes, frozen: node.content.freeze() }));
  let next = 0;
  try {
    for (; next < taken.length; next++) {
      const { node, frozen } = taken[next]!;
      const { stored, chunked } = await stageChunks(frozen, store, cache, backend);
      // A commit that froze the file since keeps the frozen pages until it settles.
      node.content.settle(frozen, chunked);
      chunkedBytes += stored.newBytes;
    }
    return chunkedBytes;
  } catch (err) {
    unfreed(taken.slice(next).reduce((n, t) => n + t.dirty, 0));
    throw err;
  }
}
