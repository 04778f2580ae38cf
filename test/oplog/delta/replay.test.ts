// Pure log replay: no storage, just batches of actions newest first.

import { describe, expect, it } from 'vitest';
import { applyCommit, replay, type Action, type ActionBatch } from '../../../src/oplog/delta/index.js';
import { PROTOCOL_12, add, metadata, remove } from './helpers.js';

const base: Action[] = [{ protocol: PROTOCOL_12 }, { metaData: metadata() }];
const batch = (version: number, actions: Action[], isCheckpoint = false): ActionBatch => ({ version, actions, isCheckpoint });
const paths = (files: Iterable<{ path: string }>) => [...files].map((f) => f.path).sort();

describe('replay', () => {
  it('newest action for a path wins; removes hide older adds', () => {
    const s = replay([
      batch(2, [remove('a'), add('c')]),
      batch(1, [add('b')]),
      batch(0, [...base, add('a')]),
    ], 2);
    expect(paths(s.files.values())).toEqual(['part_id=0000000000000000/b.parquet', 'part_id=0000000000000000/c.parquet']);
    expect([...s.tombstones.keys()]).toEqual(['part_id=0000000000000000/a.parquet']);
  });

  it('a re-add after a remove (RESTORE) makes the file live and drops its tombstone', () => {
    const s = replay([batch(2, [add('a')]), batch(1, [remove('a')]), batch(0, [...base, add('a')])], 2);
    expect(paths(s.files.values())).toEqual(['part_id=0000000000000000/a.parquet']);
    expect(s.tombstones.size).toBe(0);
  });

  it('takes the newest protocol, metaData, txn and domainMetadata', () => {
    const m2 = { ...metadata(), configuration: { x: '1' } };
    const s = replay([
      batch(1, [{ metaData: m2 }, { txn: { appId: 'app', version: 7 } }, { domainMetadata: { domain: 'd', configuration: '{}', removed: true } }]),
      batch(0, [...base, { txn: { appId: 'app', version: 3 } }, { domainMetadata: { domain: 'd', configuration: '{}', removed: false } }]),
    ], 1);
    expect(s.metadata.configuration).toEqual({ x: '1' });
    expect(s.txns.get('app')!.version).toBe(7);
    expect(s.domains.size).toBe(0);
  });

  it('is ECORRUPT without protocol or metaData', () => {
    expect(() => replay([batch(0, [add('a')])], 0)).toThrow(expect.objectContaining({ code: 'ECORRUPT' }));
  });

  it('applyCommit (forward, incremental) agrees with replay (newest first)', () => {
    const commits: Action[][] = [[...base, add('a'), add('b')], [remove('a'), add('c')], [add('a'), remove('b')], [remove('c')]];
    let s = applyCommit({ ...replay([batch(0, commits[0]!)], 0) }, [], 0);
    for (let v = 1; v < commits.length; v++) s = applyCommit(s, commits[v]!, v);
    const r = replay(commits.map((c, v) => batch(v, c)).reverse(), commits.length - 1);
    expect(paths(s.files.values())).toEqual(paths(r.files.values()));
    expect([...s.tombstones.keys()].sort()).toEqual([...r.tombstones.keys()].sort());
  });
});
