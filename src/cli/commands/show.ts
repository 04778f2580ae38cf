import type { Command } from 'commander';
import { PondError, isPondError } from '../../errors.js';
import { type AddFile, type CommitInfo, type OpRecord, PARTITION_COLUMN, commitPath, decodeRecords, parseLogJson } from '../../oplog/index.js';
import { type GlobalOptions, withPond } from '../context.js';
import { isoTime, out, outJson, table } from '../output.js';
import { action } from '../run.js';

// `pond show V` prints the raw records one version wrote: it reads the data files that
// version's commit added and keeps the rows of that version. Inline content is never
// printed, only its size and hash.

export function register(program: Command): void {
  program
    .command('show')
    .description('print the raw records written by a version (default: the latest); content appears as size and SHA-256 only')
    .argument('[version]', 'version number or ISO-8601 time')
    .option('--json', 'print {version, time, operation, summary, files, records} as JSON')
    .action(action(async (spec: string | undefined, o: { json?: boolean }) => {
      await withPond(program.opts<GlobalOptions>(), { readOnly: true }, async (pond) => {
        const version = spec === undefined ? pond.version : await pond.resolveVersion(spec);
        const storage = pond.oplog.table.storage;
        let actions;
        try {
          actions = parseLogJson(await storage.read(commitPath(version)), commitPath(version));
        } catch (err) {
          if (isPondError(err, 'ENOENT')) throw new PondError('ENOVERSION', `the commit of version ${version} is no longer in the log`);
          throw err;
        }
        const ci: CommitInfo = actions.find((a): a is { commitInfo: CommitInfo } => 'commitInfo' in a)?.commitInfo ?? {};
        const adds = actions.filter((a): a is { add: AddFile } => 'add' in a).map((a) => a.add);
        const removes = actions.filter((a) => 'remove' in a).length;
        const records: OpRecord[] = [];
        const files = [];
        for (const add of adds) {
          const partId = add.partitionValues[PARTITION_COLUMN] ?? '';
          let rows: OpRecord[] = [];
          try {
            rows = decodeRecords(await storage.read(add.path), { withContent: false, partId, path: add.path })
              .filter((r) => r.version === version);
          } catch (err) {
            if (!isPondError(err, 'ENOENT')) throw err;
            throw new PondError('EIO', `data file ${add.path} of version ${version} is missing`, { path: add.path });
          }
          files.push({ path: add.path, partition: partId, size: add.size, dataChange: add.dataChange, rows: rows.length });
          records.push(...rows);
        }
        const p = (typeof ci.pond === 'object' && ci.pond !== null ? ci.pond : {}) as Record<string, unknown>;
        const operation = typeof ci.operation === 'string' ? ci.operation : 'unknown';
        const summary = typeof p.summary === 'string' ? p.summary : operation;
        const time = isoTime(typeof ci.inCommitTimestamp === 'number' ? ci.inCommitTimestamp : records[0]?.timestamp ?? pond.oplog.timestamp);
        if (o.json) {
          outJson({ version, time, operation, summary, files, removes, records: records.map(recordJson) });
          return;
        }
        out(`version ${version}  ${time}  ${summary}`);
        out(`operation ${operation}: ${adds.length} data files added, ${removes} removed${adds.length && adds.every((a) => !a.dataChange) ? ' (no data change)' : ''}`);
        if (records.length === 0) return;
        out('');
        const rows = [['OP', 'KIND', 'PART', 'NODE', 'NAME', 'MODE', 'NLINK', 'SIZE', 'MTIME', 'CONTENT']];
        for (const r of records) {
          rows.push([
            r.op, r.kind, r.part_id, r.node_id, r.name === null ? '' : `${r.name} -> ${r.child_id}`,
            r.mode === null ? '' : r.mode.toString(8), r.nlink === null ? '' : String(r.nlink), r.size === null ? '' : String(r.size),
            r.mtime === null ? '' : isoTime(r.mtime), contentText(r),
          ]);
        }
        for (const line of table(rows)) out(line);
      });
    }));
}

function contentText(r: OpRecord): string {
  if (r.name !== null || r.op === 'delete') return '';
  if (r.kind === 'symlink') return `target ${JSON.stringify(r.target)}`;
  if (r.kind !== 'file') return '';
  const sha = (r.sha256 ?? '').slice(0, 16);
  if (r.chunks) return `${r.chunks.length} chunks, sha256 ${sha}`;
  return (r.size ?? 0) === 0 ? 'empty' : `inline, sha256 ${sha}`;
}

function recordJson(r: OpRecord): Record<string, unknown> {
  const { content: _content, ...rest } = r;
  const storage = r.kind !== 'file' || r.name !== null || r.op === 'delete' ? null
    : r.chunks ? 'chunked' : (r.size ?? 0) === 0 ? 'empty' : 'inline';
  return {
    ...rest,
    timestamp: isoTime(r.timestamp),
    atime: r.atime === null ? null : isoTime(r.atime),
    mtime: r.mtime === null ? null : isoTime(r.mtime),
    ctime: r.ctime === null ? null : isoTime(r.ctime),
    storage,
  };
}
