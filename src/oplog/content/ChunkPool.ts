// The main thread's side of chunkWorker.ts: one worker thread for the whole process,
// started on first use. Each stream of bytes gets an id; its chunks come back in order,
// as the worker cut them.
//
// The bytes cross threads through a ring: a SharedArrayBuffer the main thread copies
// (or reads) the stream into and the worker chunks from, in place. Byte k of a stream
// sits at k modulo the ring's size, and its room is taken again once the chunk holding
// it has come back (chunks come back in stream order, so the ring frees from its tail).
// No buffer is allocated per piece on either side: buffers that crossed threads were
// freed only by the receiving isolate's GC, and tens of megabytes of them waited for it
// (measured: the process's malloc heap grew ~60 MiB past the bytes in flight).
import { Worker } from 'node:worker_threads';
import type { ChunkerOptions } from './Chunker.js';

export type ToWorker =
  /** With `stage`, the worker writes new chunks as staged files there (Storage.localStaging). */
  | { id: number; kind: 'open'; opts: ChunkerOptions; ring: SharedArrayBuffer; stage?: { root: string; dir: string } }
  /** Stream bytes [at, at + length) of the ring (never across its end). */
  | { id: number; kind: 'push'; at: number; length: number }
  | { id: number; kind: 'finish' }
  /** The main thread gave up on the stream: drop it, answer nothing more. */
  | { id: number; kind: 'abort' };

export type FromWorker =
  | ({ id: number; kind: 'chunk' } & EncodedChunk)
  | { id: number; kind: 'done' }
  | { id: number; kind: 'error'; message: string };

/** A chunk as the worker hands it back: exactly one of three forms. */
export interface EncodedChunk {
  sha256: string;
  size: number;
  /** The chunk file's bytes (codec.ts), for the main thread to store. */
  encoded?: Uint8Array;
  /** Or: the staged file the worker wrote them to, for Storage.adoptStaged. */
  file?: string;
  /** Neither: the chunk was stored already. */
}

export interface ChunkSink {
  chunk(c: EncodedChunk): void;
  done(): void;
  fail(err: Error): void;
}

/**
 * Ring size: the bytes a stream may have in the worker's hands at once. 8 MiB keeps the
 * worker busy (it takes 1 MiB pieces) and peaked 4-8 MiB lower than 16 in the 1 GiB stream.
 */
export const RING_BYTES = 8 * 1024 * 1024;

let worker: Worker | undefined;
/** A ring whose stream ended, for the next stream (one is kept: streams are rarely concurrent). */
let idleRing: SharedArrayBuffer | undefined;
let nextId = 1;
const sinks = new Map<number, ChunkSink>();

/**
 * Built code (tsc's output, or the bundle, where scripts/bundle.mjs emits chunkWorker.js
 * beside the chunk that holds this code) runs chunkWorker.js. Under the TypeScript
 * sources (tests, tsx scripts) the worker is chunkWorker.ts, loaded through tsx's API.
 */
function startWorker(): Worker {
  // A worker inherits the process's execArgv; `--input-type` (a process started with
  // `node --input-type=module -e ...`) makes a worker started from a file fail to load.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./chunkWorker.js', import.meta.url), { execArgv });
  const url = new URL('./chunkWorker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); })`;
  return new Worker(boot, { eval: true, execArgv });
}

/**
 * The worker keeps the process alive exactly while some stream waits for it: an unref'd
 * worker would let a process that awaits its chunks exit, a ref'd idle one would keep a
 * finished process from exiting.
 */
function busy(w: Worker): void {
  if (sinks.size === 0) w.ref();
}

function idle(w: Worker): void {
  if (sinks.size === 0) w.unref();
}

function failAll(err: Error): void {
  worker = undefined;
  const all = [...sinks.values()];
  sinks.clear();
  for (const s of all) s.fail(err);
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = startWorker();
  w.on('message', (msg: FromWorker) => {
    const sink = sinks.get(msg.id);
    if (!sink) return;
    if (msg.kind === 'chunk') sink.chunk(msg);
    else {
      sinks.delete(msg.id);
      idle(w);
      if (msg.kind === 'done') sink.done();
      else sink.fail(new Error(`chunk worker: ${msg.message}`));
    }
  });
  w.on('error', (err) => { if (worker === w) failAll(err); });
  w.on('exit', (code) => { if (worker === w) failAll(new Error(`chunk worker exited (code ${code})`)); });
  // After the listeners (adding a 'message' listener refs the worker again); see idle().
  w.unref();
  worker = w;
  return w;
}

/** Streams the worker still owes an answer (each keeps the process alive); tests check it. */
export function openStreams(): number {
  return sinks.size;
}

/**
 * One stream of bytes to chunk off the JS thread. The caller keeps the bytes in the ring
 * within its size: pushed minus the sizes of the chunks back must stay <= `capacity`.
 */
export class OffThreadChunker {
  private readonly id = nextId++;
  private readonly worker: Worker;
  private readonly ring: Uint8Array;
  /** Stream bytes pushed so far. */
  private pushed = 0;

  constructor(opts: ChunkerOptions, sink: ChunkSink, stage?: { root: string; dir: string }) {
    this.worker = getWorker();
    busy(this.worker);
    const shared = idleRing ?? new SharedArrayBuffer(RING_BYTES);
    idleRing = undefined;
    this.ring = new Uint8Array(shared);
    sinks.set(this.id, {
      chunk: (c) => sink.chunk(c),
      done: () => {
        // The worker is done with every byte: the ring may serve the next stream. Not
        // after a failure, when chunk writes may still be reading it.
        idleRing ??= shared;
        sink.done();
      },
      fail: (err) => sink.fail(err),
    });
    this.worker.postMessage({ id: this.id, kind: 'open', opts, ring: shared, ...(stage ? { stage } : {}) } satisfies ToWorker);
  }

  get capacity(): number {
    return this.ring.length;
  }

  /**
   * Pushes the next `length` bytes, which `fill` writes into the ring: once, or twice
   * where the ring wraps (`at` is the offset of `into` within the `length` bytes).
   * `into` is the worker's to read as soon as fill resolves; fill must not keep it.
   */
  async pushInto(length: number, fill: (into: Uint8Array, at: number) => Promise<void> | void): Promise<void> {
    let done = 0;
    while (done < length) {
      const at = this.pushed % this.ring.length;
      const n = Math.min(length - done, this.ring.length - at);
      await fill(this.ring.subarray(at, at + n), done);
      this.pushed += n;
      done += n;
      this.worker.postMessage({ id: this.id, kind: 'push', at, length: n } satisfies ToWorker);
    }
  }

  /**
   * Drops a stream that will not be finished (its source failed): the worker forgets it
   * and stops keeping the process alive for it, and the sink hears nothing more. The ring
   * is not reused: chunk writes in flight may still read it.
   */
  abort(): void {
    if (!sinks.delete(this.id)) return; // done or failed already
    idle(this.worker);
    this.worker.postMessage({ id: this.id, kind: 'abort' } satisfies ToWorker);
  }

  /** Ends the stream: the sink gets the last chunk, then done(). */
  finish(): void {
    this.worker.postMessage({ id: this.id, kind: 'finish' } satisfies ToWorker);
  }
}
