// Conformance over every table in /work/shared/delta-golden, checked against manifest.json:
// versions, live files and rows as other engines computed them, refusal of reader features
// pond lacks, and time travel by timestamp.

import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { DeltaTable, type Snapshot } from '../../../src/oplog/delta/index.js';
import { LocalStorage } from '../../../src/oplog/storage/index.js';
import { isPondError } from '../../../src/errors.js';

const GOLDEN = '/work/shared/delta-golden';

interface Entry {
  table: string;
  latestVersion: number;
  latestActiveFiles: number;
  latestRows: number;
  earlierVersion: number | '-';
  earlierActiveFiles: number | '-';
  earlierRows: number | null;
  readerFeaturesNotNeededByPond?: string[];
  commitMtimes?: Record<string, number | string>;
  timestampExpectations?: { _expect_delta_rs?: Record<string, number> };
}

const manifest = JSON.parse(readFileSync(`${GOLDEN}/manifest.json`, 'utf8')) as Entry[];
const scratch = mkdtempSync(nodePath.join(tmpdir(), 'pond-golden-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** shared/ is read-only and git keeps no mtimes: copy, then stamp the listed commit times. */
function copyTable(e: Entry): string {
  const dir = nodePath.join(scratch, e.table);
  cpSync(`${GOLDEN}/${e.table}`, dir, { recursive: true });
  for (const [rel, t] of Object.entries(e.commitMtimes ?? {})) {
    const ms = typeof t === 'number' ? t : Date.parse(t);
    utimesSync(nodePath.join(dir, rel), ms / 1000, ms / 1000);
  }
  return dir;
}

function rowCount(root: string, snap: Snapshot): number {
  let rows = 0;
  for (const f of snap.files) {
    const bytes = readFileSync(nodePath.join(root, decodeURIComponent(f.path)));
    rows += arrow.tableFromIPC(pq.readParquet(bytes).intoIPCStream()).numRows;
  }
  return rows;
}

describe('Delta golden tables', () => {
  for (const e of manifest) {
    it(e.table, async () => {
      const root = copyTable(e);
      const storage = new LocalStorage(root);
      if (e.readerFeaturesNotNeededByPond) {
        const err = await DeltaTable.open(storage).then(() => undefined, (x: unknown) => x);
        expect(isPondError(err, 'EUNSUPPORTED'), String(err)).toBe(true);
        for (const feature of e.readerFeaturesNotNeededByPond) expect((err as Error).message).toContain(feature);
        return;
      }
      const table = await DeltaTable.open(storage);
      expect(table.snapshot.version).toBe(e.latestVersion);
      expect(table.snapshot.files.length).toBe(e.latestActiveFiles);
      expect(rowCount(root, table.snapshot)).toBe(e.latestRows);
      if (typeof e.earlierVersion === 'number') {
        const earlier = await table.snapshotAt(e.earlierVersion);
        expect(earlier.version).toBe(e.earlierVersion);
        expect(earlier.files.length).toBe(e.earlierActiveFiles);
        expect(rowCount(root, earlier)).toBe(e.earlierRows);
      }
    });
  }

  it('time travel by mtime follows delta-kernel (time-travel-start-start20-start40)', async () => {
    const e = manifest.find((m) => m.table === 'time-travel-start-start20-start40')!;
    const table = await DeltaTable.open(new LocalStorage(copyTable(e)));
    const start = 1540415658000;
    const min = 60_000;
    const expectNoVersion = async (ms: number) => {
      const err = await table.snapshotAtTime(ms).then(() => undefined, (x: unknown) => x);
      expect(isPondError(err, 'ENOVERSION'), `${ms}: ${String(err)}`).toBe(true);
    };
    await expectNoVersion(start - 1);
    for (const [ms, v] of [[start, 0], [start + 20 * min - 1, 0], [start + 20 * min, 1], [start + 40 * min - 1, 1], [start + 40 * min, 2]] as const) {
      expect((await table.snapshotAtTime(ms)).version).toBe(v);
    }
    await expectNoVersion(start + 40 * min + 1);
    expect((await table.snapshotAtTime(start + 400 * min, { allowAfterLatest: true })).version).toBe(2);
  });

  it('time travel by mtime follows delta-rs where it agrees (simple_table)', async () => {
    const e = manifest.find((m) => m.table === 'simple_table')!;
    const table = await DeltaTable.open(new LocalStorage(copyTable(e)));
    const first = Date.parse(e.commitMtimes!['_delta_log/00000000000000000000.json'] as string);
    for (const [iso, v] of Object.entries(e.timestampExpectations!._expect_delta_rs!)) {
      const ms = Date.parse(iso);
      if (ms < first) {
        // delta-rs answers version 0 before the first commit; pond says the time is outside history.
        await expect(table.snapshotAtTime(ms, { allowAfterLatest: true })).rejects.toMatchObject({ code: 'ENOVERSION' });
      } else {
        expect((await table.snapshotAtTime(ms, { allowAfterLatest: true })).version, iso).toBe(v);
      }
    }
    // The stray .tmp/00000000000000000005.json is not a commit.
    expect((await table.versions()).latest).toBe(4);
  });

  it('time travel by in-commit timestamp (cdc_ict_table)', async () => {
    const e = manifest.find((m) => m.table === 'cdc_ict_table')!;
    const root = copyTable(e);
    const table = await DeltaTable.open(new LocalStorage(root));
    const infos = await table.commitInfos();
    expect(infos.map((i) => i.version)).toEqual([0, 1, 2, 3]);
    for (const i of infos) {
      expect(i.timestamp).toBe(i.commitInfo?.inCommitTimestamp);
      // Break the mtimes on purpose: ICT must win over them.
      utimesSync(nodePath.join(root, '_delta_log', `${String(i.version).padStart(20, '0')}.json`), 1, 1);
    }
    expect(table.snapshot.timestamp).toBe(infos[3]!.timestamp);
    // This table's v1 ICT lies before v0's (upstream test data), so the expected answer is the
    // definition itself: the latest version whose ICT is <= the probe.
    const expected = (ms: number) => Math.max(-1, ...infos.filter((i) => i.timestamp <= ms).map((i) => i.version));
    const probes = infos.flatMap((i) => [i.timestamp - 1, i.timestamp, i.timestamp + 1]).filter((ms) => ms <= infos[3]!.timestamp);
    for (const ms of probes) {
      const want = expected(ms);
      if (want < 0) await expect(table.snapshotAtTime(ms)).rejects.toMatchObject({ code: 'ENOVERSION' });
      else expect((await table.snapshotAtTime(ms)).version, String(ms)).toBe(want);
    }
    const first = Math.min(...infos.map((i) => i.timestamp));
    await expect(table.snapshotAtTime(first - 1)).rejects.toMatchObject({ code: 'ENOVERSION' });
    await expect(table.snapshotAtTime(infos[3]!.timestamp + 1)).rejects.toMatchObject({ code: 'ENOVERSION' });
    expect((await table.snapshotAtTime(infos[3]!.timestamp + 1, { allowAfterLatest: true })).version).toBe(3);
  });
});
