// Worker thread body: FastCDC, the per-chunk SHA-256 and the chunk encoding (zstd or raw)
// for streams of file bytes, so a flush's CPU work runs beside the JS thread that serves
// FUSE requests instead of on it. With a local staging folder it also writes the staged
// chunk files (synchronous calls: cheap here, and no per-chunk promises on the main
// thread), which the main thread adopts; durability stays with publishStaged(). The
// whole-file hash stays on the main thread. Protocol: see ChunkPool.ts.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { parentPort } from 'node:worker_threads';
import { Chunker } from './Chunker.js';
import { ContentStore, sha256Hex } from './ContentStore.js';
import { encodeChunk } from './codec.js';
import type { FromWorker, ToWorker } from './ChunkPool.js';

const port = parentPort;
if (!port) throw new Error('chunkWorker must run as a worker thread');

interface Stream {
  chunker: Chunker;
  stage: { root: string; dir: string } | undefined;
}

const streams = new Map<number, Stream>();
const madeDirs = new Set<string>();

function emit(id: number, stream: Stream, chunk: Uint8Array): void {
  const sha256 = sha256Hex(chunk);
  const size = chunk.length;
  const stage = stream.stage;
  if (!stage) {
    const encoded = encodeChunk(chunk);
    port!.postMessage({ id, kind: 'chunk', sha256, size, encoded } satisfies FromWorker, [encoded.buffer as ArrayBuffer]);
    return;
  }
  // Stored already (a published chunk is complete and synced): nothing to write.
  if (existsSync(nodePath.join(stage.root, ContentStore.pathOf(sha256)))) {
    port!.postMessage({ id, kind: 'chunk', sha256, size } satisfies FromWorker);
    return;
  }
  if (!madeDirs.has(stage.dir)) {
    mkdirSync(stage.dir, { recursive: true });
    madeDirs.add(stage.dir);
  }
  const file = nodePath.join(stage.dir, `${randomUUID()}.staged`);
  writeFileSync(file, encodeChunk(chunk), { flag: 'wx' });
  port!.postMessage({ id, kind: 'chunk', sha256, size, file } satisfies FromWorker);
}

port.on('message', (msg: ToWorker) => {
  try {
    if (msg.kind === 'open') {
      streams.set(msg.id, { chunker: new Chunker(msg.opts), stage: msg.stage });
      return;
    }
    const stream = streams.get(msg.id);
    if (!stream) return; // failed before: the error was sent
    if (msg.kind === 'push') {
      for (const chunk of stream.chunker.push(msg.data)) emit(msg.id, stream, chunk);
    } else {
      for (const chunk of stream.chunker.finish()) emit(msg.id, stream, chunk);
      streams.delete(msg.id);
      port!.postMessage({ id: msg.id, kind: 'done' } satisfies FromWorker);
    }
  } catch (err) {
    streams.delete(msg.id);
    port!.postMessage({ id: msg.id, kind: 'error', message: err instanceof Error ? err.message : String(err) } satisfies FromWorker);
  }
});
