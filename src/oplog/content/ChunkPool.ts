// The main thread's side of chunkWorker.ts: one worker thread for the whole process,
// started on first use. Each stream of bytes gets an id; its chunks come back in order,
// as the worker cut them.
import { Worker } from 'node:worker_threads';
import type { ChunkerOptions } from './Chunker.js';

export type ToWorker =
  /** With `stage`, the worker writes new chunks as staged files there (Storage.localStaging). */
  | { id: number; kind: 'open'; opts: ChunkerOptions; stage?: { root: string; dir: string } }
  | { id: number; kind: 'push'; data: Uint8Array }
  | { id: number; kind: 'finish' };

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

let worker: Worker | undefined;
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

/** One stream of bytes to chunk off the JS thread. */
export class OffThreadChunker {
  private readonly id = nextId++;
  private readonly worker: Worker;

  constructor(opts: ChunkerOptions, sink: ChunkSink, stage?: { root: string; dir: string }) {
    this.worker = getWorker();
    busy(this.worker);
    sinks.set(this.id, sink);
    this.worker.postMessage({ id: this.id, kind: 'open', opts, ...(stage ? { stage } : {}) } satisfies ToWorker);
  }

  /**
   * Sends `data`: moved when `give` and it spans its whole buffer (the caller hands it
   * over), else a copy (the caller may reuse its buffer).
   */
  push(data: Uint8Array, give: boolean): void {
    // A copy in a buffer of its own, moved (not cloned) to the worker. Not data.slice():
    // on a Buffer that is a view, and moving its buffer would detach the caller's bytes.
    const whole = give && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
    const copy = whole ? data : new Uint8Array(data);
    this.worker.postMessage({ id: this.id, kind: 'push', data: copy } satisfies ToWorker, [copy.buffer as ArrayBuffer]);
  }

  /** Ends the stream: the sink gets the last chunk, then done(). */
  finish(): void {
    this.worker.postMessage({ id: this.id, kind: 'finish' } satisfies ToWorker);
  }
}

