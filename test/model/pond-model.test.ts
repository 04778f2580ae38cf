import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PondError } from '../../src/errors.js';
import type { DirNode, FS, FileNode } from '../../src/tinyfs/index.js';
import { type CommitResult, Pond } from '../../src/tinylogfs/index.js';
import { type Entry, type Listing, type MFile, Model, ModelError, listModel } from './model.js';

// Model-based test: random operation sequences applied to a Pond on a temp directory and
// to the reference model in ./model.ts, with flushes and close/reopen at random points.
// After every step both trees agree (kinds, modes, nlink, sizes, contents, symlink
// targets, hard-link identity) and so do the error codes; at the end every committed
// version, read through pond.view(v), equals the model as it was at that commit.

const me = { uid: 1000, gid: 1000 };
const NAMES = ['a', 'b', 'c'];
const INLINE_MAX = 64 * 1024;

const nameArb = fc.constantFrom(...NAMES);
/** Shallow paths more often, so that operations meet existing names. */
const pathArb = fc.oneof(
  { weight: 3, arbitrary: nameArb.map((a) => `/${a}`) },
  { weight: 2, arbitrary: fc.tuple(nameArb, nameArb).map(([a, b]) => `/${a}/${b}`) },
  { weight: 1, arbitrary: fc.tuple(nameArb, nameArb, nameArb).map(([a, b, c]) => `/${a}/${b}/${c}`) },
);
const targetArb = fc.oneof(
  pathArb,
  fc.constantFrom(...NAMES),
  fc.constantFrom(...NAMES).map((n) => `../${n}`),
  fc.constantFrom('missing', '/a/missing', '.', '..'),
);
/** Mostly small writes; sometimes large enough to take the chunked path (> 64 KiB). */
const sizeArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: INLINE_MAX - 8, max: INLINE_MAX + 8 }) },
  { weight: 1, arbitrary: fc.integer({ min: 70_000, max: 200_000 }) },
);
const offsetArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 500 }) },
  { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 150_000 }) }, // sparse holes
);
const permArb = fc.constantFrom(0o600, 0o644, 0o755, 0o700, 0o4755, 0o1777);

type Op =
  | { op: 'mkdir'; path: string; perm: number }
  | { op: 'write'; path: string; offset: number; size: number; seed: number; keep?: number }
  | { op: 'hwrite'; slot: number; offset: number; size: number; seed: number }
  | { op: 'htruncate'; slot: number; size: number }
  | { op: 'truncate'; path: string; size: number }
  | { op: 'unlink'; path: string }
  | { op: 'rmdir'; path: string }
  | { op: 'rename'; src: string; dst: string }
  | { op: 'symlink'; target: string; path: string }
  | { op: 'link'; src: string; dst: string }
  | { op: 'chmod'; path: string; perm: number }
  | { op: 'flush' }
  /** A flush started but not awaited: the next operation runs while it is written. */
  | { op: 'flushDuring'; big: number }
  /** A spill (big files' dirty pages to staged chunks, no commit), awaited or running beside the next operation. */
  | { op: 'spill'; during: boolean }
  | { op: 'reopen'; smallCache: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('mkdir' as const), path: pathArb, perm: fc.constantFrom(0o755, 0o700) }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('write' as const), path: pathArb, offset: offsetArb, size: sizeArb, seed: fc.integer({ min: 0, max: 3 }) }) },
  // An open file handle kept in a slot: writes through it survive rename, unlink and flush.
  { weight: 2, arbitrary: fc.record({ op: fc.constant('write' as const), path: pathArb, offset: offsetArb, size: sizeArb, seed: fc.integer({ min: 0, max: 3 }), keep: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('hwrite' as const), slot: fc.integer({ min: 0, max: 1 }), offset: offsetArb, size: sizeArb, seed: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('htruncate' as const), slot: fc.integer({ min: 0, max: 1 }), size: fc.integer({ min: 0, max: 100_000 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), path: pathArb, size: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 60_000, max: 140_000 })) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('unlink' as const), path: pathArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('rmdir' as const), path: pathArb }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('rename' as const), src: pathArb, dst: pathArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('symlink' as const), target: targetArb, path: pathArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('link' as const), src: pathArb, dst: pathArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('chmod' as const), path: pathArb, perm: permArb }) },
  { weight: 2, arbitrary: fc.constant({ op: 'flush' as const }) },
  // `big` > 0 first writes a chunked file (outside the name pool), so that the flush does
  // real IO while the next operation runs.
  { weight: 3, arbitrary: fc.record({ op: fc.constant('flushDuring' as const), big: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('spill' as const), during: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reopen' as const), smallCache: fc.boolean() }) },
);

/** Deterministic bytes: mostly text-like, a different stream per seed and offset. */
function bytesFor(seed: number, offset: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = (seed * 2654435761 + offset * 40503 + 1) >>> 0;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = 32 + (x % 90);
  }
  return out;
}

/** Open file handles, slot by slot, on both sides. */
interface Handles {
  pond: (FileNode | undefined)[];
  model: (MFile | undefined)[];
}

async function applyPond(fs: FS, op: Op, h: Handles): Promise<void> {
  switch (op.op) {
    case 'mkdir':
      await fs.mkdir(op.path, op.perm, me);
      return;
    case 'write': {
      const f = await fs.create(op.path, 0o644, me, false);
      await fs.write(f, op.offset, bytesFor(op.seed, op.offset, op.size));
      if (op.keep !== undefined) h.pond[op.keep] = f;
      return;
    }
    case 'hwrite': {
      const f = h.pond[op.slot];
      if (f) await fs.write(f, op.offset, bytesFor(op.seed, op.offset, op.size));
      return;
    }
    case 'htruncate': {
      const f = h.pond[op.slot];
      if (f) await fs.truncate(f, op.size);
      return;
    }
    case 'truncate': {
      const node = await fs.resolve(op.path, true);
      if (node.kind === 'directory') throw new PondError('EISDIR', 'is a directory');
      await fs.truncate(node as FileNode, op.size);
      return;
    }
    case 'unlink':
      return fs.unlink(op.path);
    case 'rmdir':
      return fs.rmdir(op.path);
    case 'rename':
      return fs.rename(op.src, op.dst);
    case 'symlink':
      await fs.symlink(op.target, op.path, me);
      return;
    case 'link':
      await fs.link(op.src, op.dst);
      return;
    case 'chmod':
      fs.chmod(await fs.resolve(op.path, true), op.perm);
      return;
    default:
      throw new Error(`not a filesystem op: ${op.op}`);
  }
}

function applyModel(m: Model, op: Op, h: Handles): void {
  switch (op.op) {
    case 'mkdir': return m.mkdir(op.path, op.perm);
    case 'write': {
      const f = m.write(op.path, op.offset, bytesFor(op.seed, op.offset, op.size));
      if (op.keep !== undefined) h.model[op.keep] = f;
      return;
    }
    case 'hwrite': {
      const f = h.model[op.slot];
      if (f) m.pwrite(f, op.offset, bytesFor(op.seed, op.offset, op.size));
      return;
    }
    case 'htruncate': {
      const f = h.model[op.slot];
      if (f) m.ftruncate(f, op.size);
      return;
    }
    case 'truncate': return m.truncate(op.path, op.size);
    case 'unlink': return m.unlink(op.path);
    case 'rmdir': return m.rmdir(op.path);
    case 'rename': return m.rename(op.src, op.dst);
    case 'symlink': return m.symlink(op.target, op.path);
    case 'link': return m.link(op.src, op.dst);
    case 'chmod': return m.chmod(op.path, op.perm);
    default: throw new Error(`not a filesystem op: ${op.op}`);
  }
}

async function listPond(fs: FS): Promise<Listing> {
  const out: Listing = new Map();
  const first = new Map<string, string>();
  const visit = async (dir: DirNode, prefix: string): Promise<void> => {
    for (const name of await fs.list(dir)) {
      const node = (await fs.lookup(dir, name))!;
      const path = `${prefix}/${name}`;
      if (!first.has(node.id)) first.set(node.id, path);
      const st = node.stat();
      const e: Entry = { kind: node.kind, perm: st.mode & 0o7777, nlink: st.nlink, size: 0, same: first.get(node.id)! };
      if (node.kind === 'file') {
        e.size = st.size;
        e.data = Buffer.from(await fs.read(node, 0, node.size));
      } else if (node.kind === 'symlink') {
        e.size = st.size;
        e.target = node.target;
      }
      out.set(path, e);
      if (node.kind === 'directory') await visit(node, path);
    }
  };
  await visit(fs.root, '');
  const r = fs.root.stat();
  out.set('/', { kind: 'directory', perm: r.mode & 0o7777, nlink: r.nlink, size: 0, same: '/' });
  return out;
}

/** A compact, readable difference (contents compared by length and first differing byte). */
function diff(pond: Listing, model: Listing): string[] {
  const out: string[] = [];
  for (const path of new Set([...pond.keys(), ...model.keys()])) {
    const p = pond.get(path);
    const m = model.get(path);
    if (!p || !m) {
      out.push(`${path}: ${p ? 'only in pond' : 'only in model'}`);
      continue;
    }
    for (const k of ['kind', 'perm', 'nlink', 'size', 'target', 'same'] as const) {
      if (p[k] !== m[k]) out.push(`${path}: ${k} pond=${String(p[k])} model=${String(m[k])}`);
    }
    if (p.data && m.data && !p.data.equals(m.data)) {
      let i = 0;
      while (i < p.data.length && p.data[i] === m.data[i]) i++;
      out.push(`${path}: content differs at byte ${i} (pond ${p.data.length} bytes, model ${m.data.length})`);
    }
  }
  return out;
}

function describeOp(op: Op): string {
  return JSON.stringify(op);
}

async function outcome<T>(f: () => T | Promise<T>): Promise<string> {
  try {
    await f();
    return 'ok';
  } catch (err) {
    if (err instanceof ModelError || err instanceof PondError) return err.code;
    throw err;
  }
}

async function run(ops: Op[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pond-model-'));
  let pond = await Pond.create(dir);
  const model = new Model();
  /** The model's listing at each committed version. */
  const committed = new Map<number, Listing>([[0, listModel(model)]]);
  const trace: string[] = [];
  const check = async (where: string): Promise<void> => {
    const d = diff(await listPond(pond.fs), listModel(model));
    if (d.length) throw new Error(`pond and model differ after ${where}:\n${d.join('\n')}\ntrace:\n${trace.join('\n')}`);
  };
  const handles: Handles = { pond: [], model: [] };
  /** A flush running while the next operation is applied, and the model when it started. */
  let during: { result: Promise<CommitResult | undefined>; listing: Listing } | undefined;
  const settle = async (): Promise<void> => {
    if (!during) return;
    const r = await during.result;
    if (r) committed.set(r.version, during.listing);
    during = undefined;
  };
  try {
    for (const op of ops) {
      trace.push(describeOp(op));
      if (op.op === 'spill') {
        await settle();
        // No version: what the pond reads must not change, now or once it is committed.
        const spill = pond.spill(0);
        if (op.during) during = { result: spill, listing: listModel(model) };
        else {
          await spill;
          await check(describeOp(op));
        }
        continue;
      }
      if (op.op === 'flush' || op.op === 'reopen' || op.op === 'flushDuring') {
        await settle();
        if (op.op === 'flushDuring') {
          if (op.big > 0) {
            const big: Op = { op: 'write', path: '/big', offset: 0, size: 100_000, seed: op.big };
            applyModel(model, big, handles);
            await applyPond(pond.fs, big, handles);
          }
          // The flush takes its snapshot synchronously: the model as it is now.
          during = { result: pond.flush('model'), listing: listModel(model) };
          continue;
        }
        if (op.op === 'flush') await pond.flush('model');
        else {
          await pond.close();
          pond = await Pond.open(dir, op.smallCache ? { cacheSize: 100_000 } : {});
          handles.pond = [];
          handles.model = [];
        }
        committed.set(pond.version, listModel(model));
        await check(describeOp(op));
        continue;
      }
      const want = await outcome(() => applyModel(model, op, handles));
      const got = await outcome(() => applyPond(pond.fs, op, handles));
      if (want !== got) throw new Error(`${describeOp(op)}: pond ${got}, model ${want}\ntrace:\n${trace.join('\n')}`);
      trace[trace.length - 1] += ` -> ${got}`;
      await settle();
      await check(describeOp(op));
    }
    await settle();
    await pond.flush('model');
    committed.set(pond.version, listModel(model));
    // Every committed version, read back through a view of a freshly opened pond.
    await pond.close();
    pond = await Pond.open(dir, { readOnly: true });
    for (const [version, listing] of committed) {
      const d = diff(await listPond(await pond.view(version)), listing);
      if (d.length) throw new Error(`version ${version} differs from the model:\n${d.join('\n')}\ntrace:\n${trace.join('\n')}`);
    }
  } finally {
    await pond.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** About 25 s on a loaded 2-core machine; MODEL_RUNS=500 for a longer hunt. */
const RUNS = Number(process.env.MODEL_RUNS ?? 50);

describe('pond against a reference model', () => {
  // Replays one sequence, e.g. a counterexample: MODEL_OPS='[{"op":"mkdir",...}]'.
  it.runIf(process.env.MODEL_OPS)('replays MODEL_OPS', async () => {
    await run(JSON.parse(process.env.MODEL_OPS!) as Op[]);
  });

  it('agrees with the model after every step and at every committed version', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 80, size: 'max' }), async (ops) => {
        await run(ops);
      }),
      { numRuns: RUNS },
    );
  }, Math.max(120_000, RUNS * 3000));
});
