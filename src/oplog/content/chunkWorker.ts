// Worker thread body: FastCDC, the per-chunk SHA-256 and the chunk encoding (zstd or raw)
// for streams of file bytes, so a flush's CPU work runs beside the JS thread that serves
// FUSE requests instead of on it. With a local staging folder it also writes the staged
// chunk files (on the thread pool, many at once: no per-chunk work on the main thread),
// which the main thread adopts; durability stays with publishStaged(). The
// whole-file hash stays on the main thread. Protocol: see ChunkPool.ts.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import * as nodePath from 'node:path';
import { parentPort } from 'node:worker_threads';
import { Chunker } from './Chunker.js';
import { ContentStore, sha256Hex } from './ContentStore.js';
import { encodeChunk, encodeChunkParts } from './codec.js';
import { writeParts } from './writeParts.js';
import type { FromWorker, ToWorker } from './ChunkPool.js';

const port = parentPort;
if (!port) throw new Error('chunkWorker must run as a worker thread');

interface Stream {
  chunker: Chunker;
  /** The stream's bytes, shared with the main thread (see ChunkPool.ts). */
  ring: Uint8Array;
  stage: { root: string; dir: string } | undefined;
  /** Replies in stream order; a slot is filled when its chunk file is written. */
  slots: Array<FromWorker | undefined>;
  /** Replies posted so far: slots[i] is reply number posted + i. */
  posted: number;
  finished: boolean;
  failed: boolean;
}

const streams = new Map<number, Stream>();
const madeDirs = new Set<string>();

/** Posts the filled slots at the head of the stream, and 'done' once all are out. */
function drain(id: number, stream: Stream): void {
  while (stream.slots.length > 0 && stream.slots[0] !== undefined) {
    const msg = stream.slots.shift()!;
    stream.posted++;
    port!.postMessage(msg, msg.kind === 'chunk' && msg.encoded ? [msg.encoded.buffer as ArrayBuffer] : []);
  }
  if (stream.finished && stream.slots.length === 0 && !stream.failed) {
    streams.delete(id);
    port!.postMessage({ id, kind: 'done' } satisfies FromWorker);
  }
}

function fail(id: number, stream: Stream | undefined, err: unknown): void {
  if (stream?.failed) return;
  if (stream) stream.failed = true;
  streams.delete(id);
  port!.postMessage({ id, kind: 'error', message: err instanceof Error ? err.message : String(err) } satisfies FromWorker);
}

function emit(id: number, stream: Stream, chunk: Uint8Array): void {
  const sha256 = sha256Hex(chunk);
  const size = chunk.length;
  const stage = stream.stage;
  const n = stream.posted + stream.slots.length;
  stream.slots.push(undefined);
  const fill = (msg: FromWorker): void => {
    stream.slots[n - stream.posted] = msg;
  };
  if (!stage) {
    fill({ id, kind: 'chunk', sha256, size, encoded: encodeChunk(chunk) });
    return;
  }
  // Stored already (a published chunk is complete and synced): nothing to write.
  if (existsSync(nodePath.join(stage.root, ContentStore.pathOf(sha256)))) {
    fill({ id, kind: 'chunk', sha256, size });
    return;
  }
  if (!madeDirs.has(stage.dir)) {
    mkdirSync(stage.dir, { recursive: true });
    madeDirs.add(stage.dir);
  }
  const file = nodePath.join(stage.dir, `${randomUUID()}.staged`);
  // The parts may be views of `chunk` in the ring (a raw chunk is not copied): its room is
  // taken again only after this chunk's reply, posted once the write is done.
  writeParts(file, encodeChunkParts(chunk), (err) => {
    if (stream.failed) return;
    if (err) return fail(id, stream, err);
    fill({ id, kind: 'chunk', sha256, size, file });
    drain(id, stream);
  });
}

port.on('message', (msg: ToWorker) => {
  if (msg.kind === 'open') {
    streams.set(msg.id, { chunker: new Chunker(msg.opts), ring: new Uint8Array(msg.ring), stage: msg.stage, slots: [], posted: 0, finished: false, failed: false });
    return;
  }
  const stream = streams.get(msg.id);
  if (!stream) return; // failed before: the error was sent
  if (msg.kind === 'abort') {
    // Writes in flight see `failed` and post nothing; their staged files stay unadopted.
    stream.failed = true;
    streams.delete(msg.id);
    return;
  }
  try {
    if (msg.kind === 'push') {
      const data = stream.ring.subarray(msg.at, msg.at + msg.length);
      for (const chunk of stream.chunker.push(data)) emit(msg.id, stream, chunk);
    } else {
      for (const chunk of stream.chunker.finish()) emit(msg.id, stream, chunk);
      stream.finished = true;
    }
    drain(msg.id, stream);
  } catch (err) {
    fail(msg.id, stream, err);
  }
});
