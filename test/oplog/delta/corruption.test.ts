// Damaged logs: either a correct snapshot (by falling back to intact JSON) or ECORRUPT
// naming the file; never a stack trace from a parser, never a silently wrong snapshot.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DeltaTable } from '../../../src/oplog/delta/index.js';
import { LocalStorage } from '../../../src/oplog/storage/index.js';
import { PROTOCOL_ICT, add, metadata, remove, tempDir } from './helpers.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const pad = (v: number) => String(v).padStart(20, '0');

/** A table with checkpoints at 5 and 10 and commits 0..12. */
async function makeTable(): Promise<{ root: string; log: string; live: string[] }> {
  const root = tempDir();
  dirs.push(root);
  const t = await DeltaTable.create(new LocalStorage(root), { metadata: metadata({ ict: true }), protocol: PROTOCOL_ICT, actions: [add('f0')], checkpointInterval: 5 });
  for (let v = 1; v <= 12; v++) await t.commit(v % 3 === 0 ? [add(`f${v}`), remove(`f${v - 1}`)] : [add(`f${v}`)]);
  return { root, log: `${root}/_delta_log`, live: t.snapshot.files.map((f) => f.path).sort() };
}

async function openErr(root: string): Promise<{ code?: string; message: string; path?: string }> {
  try {
    await DeltaTable.open(new LocalStorage(root));
  } catch (err) {
    return err as { code?: string; message: string; path?: string };
  }
  throw new Error('open succeeded');
}

const livePaths = async (root: string) => (await DeltaTable.open(new LocalStorage(root))).snapshot.files.map((f) => f.path).sort();

describe('corrupt Delta logs', () => {
  it('garbage commit: ECORRUPT naming the file', async () => {
    const { root, log } = await makeTable();
    writeFileSync(`${log}/${pad(12)}.json`, '\u0000\u0001garbage{{{\n');
    const err = await openErr(root);
    expect(err.code).toBe('ECORRUPT');
    expect(err.message).toContain(`${pad(12)}.json`);
  });

  it('truncated commit: ECORRUPT naming the file', async () => {
    const { root, log } = await makeTable();
    const p = `${log}/${pad(11)}.json`;
    const text = readFileSync(p, 'utf8');
    writeFileSync(p, text.slice(0, text.length - 20));
    const err = await openErr(root);
    expect(err.code).toBe('ECORRUPT');
    expect(err.message).toContain(`${pad(11)}.json`);
  });

  it('empty commit file: ECORRUPT', async () => {
    const { root, log } = await makeTable();
    writeFileSync(`${log}/${pad(12)}.json`, '');
    expect((await openErr(root)).code).toBe('ECORRUPT');
  });

  it('corrupt checkpoint with intact JSON: falls back and gives the same snapshot', async () => {
    const { root, log, live } = await makeTable();
    writeFileSync(`${log}/${pad(10)}.checkpoint.parquet`, 'PAR1 this is not parquet PAR1');
    expect(await livePaths(root)).toEqual(live);
    // Both checkpoints damaged: replay from commit 0.
    writeFileSync(`${log}/${pad(5)}.checkpoint.parquet`, new Uint8Array(100));
    expect(await livePaths(root)).toEqual(live);
  });

  it('corrupt checkpoint and no JSON history below it: ECORRUPT naming the checkpoint', async () => {
    const { root, log } = await makeTable();
    for (let v = 0; v <= 10; v++) rmSync(`${log}/${pad(v)}.json`);
    rmSync(`${log}/${pad(5)}.checkpoint.parquet`);
    const cp = `${log}/${pad(10)}.checkpoint.parquet`;
    const bytes = readFileSync(cp);
    writeFileSync(cp, bytes.subarray(0, bytes.length >> 1));
    const err = await openErr(root);
    expect(err.code).toBe('ECORRUPT');
    expect(err.message).toContain(`${pad(10)}.checkpoint.parquet`);
  });

  it('missing checkpoint (commits before it cleaned up): ECORRUPT naming it', async () => {
    const { root, log } = await makeTable();
    for (let v = 0; v <= 10; v++) rmSync(`${log}/${pad(v)}.json`);
    rmSync(`${log}/${pad(5)}.checkpoint.parquet`);
    rmSync(`${log}/${pad(10)}.checkpoint.parquet`);
    const err = await openErr(root);
    expect(err.code).toBe('ECORRUPT');
    expect(err.message).toContain(`${pad(10)}.checkpoint.parquet`);
  });

  it('missing commit in the middle of the tail: ECORRUPT naming it', async () => {
    const { root, log } = await makeTable();
    rmSync(`${log}/${pad(11)}.json`);
    const err = await openErr(root);
    expect(err.code).toBe('ECORRUPT');
    expect(err.message).toContain(`${pad(11)}.json`);
  });

  it('_last_checkpoint pointing nowhere or garbage is only a hint', async () => {
    const { root, log, live } = await makeTable();
    writeFileSync(`${log}/_last_checkpoint`, JSON.stringify({ version: 99, size: 3 }));
    expect(await livePaths(root)).toEqual(live);
    writeFileSync(`${log}/_last_checkpoint`, '{{{ not json');
    expect(await livePaths(root)).toEqual(live);
    rmSync(`${log}/_last_checkpoint`);
    expect(await livePaths(root)).toEqual(live);
  });

  it('an incomplete multi-part checkpoint is ignored', async () => {
    const { root, log, live } = await makeTable();
    rmSync(`${log}/${pad(10)}.checkpoint.parquet`);
    writeFileSync(`${log}/${pad(12)}.checkpoint.0000000001.0000000002.parquet`, 'half of a checkpoint');
    expect(await livePaths(root)).toEqual(live);
  });

  it('stray files (.crc, .tmp/, unknown names) are ignored', async () => {
    const { root, log, live } = await makeTable();
    writeFileSync(`${log}/.${pad(13)}.json.crc`, 'x');
    writeFileSync(`${log}/${pad(13)}.json.tmp`, 'x');
    writeFileSync(`${log}/notes.txt`, 'x');
    const s = (await DeltaTable.open(new LocalStorage(root))).snapshot;
    expect(s.version).toBe(12);
    expect(s.files.map((f) => f.path).sort()).toEqual(live);
  });
});
