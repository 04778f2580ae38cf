import type { Command } from 'commander';
import { PondError, errnoCode } from '../../errors.js';
import type { Pond } from '../../tinylogfs/index.js';
import { type GlobalOptions, pondPath, withPond } from '../context.js';
import { isoTime, out, outJson, table } from '../output.js';
import { action } from '../run.js';

export interface LogEntry {
  version: number;
  time: string;
  summary: string;
  operation: string;
  [key: string]: unknown;
}

/** The history of one path (following renames) lives with the SQL layer. */
type PathLog = (pond: Pond, path: string) => Promise<Array<{ version: number; time: string; summary: string; op: string; path: string }>>;

export function register(program: Command): void {
  program
    .command('log')
    .description('list the pond\'s versions, newest first: version, time (ISO-8601), summary; with PATH, the versions that changed it')
    .argument('[path]', 'pond path: only the versions that changed it (following renames)')
    .option('--json', 'print a JSON array of {version, time, summary, operation, ...}')
    .option('-n, --max-count <n>', 'show at most N versions', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new PondError('EUSAGE', `bad count: ${v}`);
      return n;
    })
    .action(action(async (path: string | undefined, o: { json?: boolean; maxCount?: number }) => {
      await withPond(program.opts<GlobalOptions>(), { readOnly: true }, async (pond) => {
        if (path !== undefined) return pathLog(pond, pondPath(path), o);
        const latest = pond.version;
        const from = o.maxCount === undefined ? 0 : Math.max(0, latest - o.maxCount + 1);
        const infos = o.maxCount === 0 ? [] : await pond.oplog.table.commitInfos(from, latest);
        const entries: LogEntry[] = infos.reverse().map(({ version, timestamp, commitInfo }) => {
          const ci = commitInfo ?? {};
          const p = (typeof ci.pond === 'object' && ci.pond !== null ? ci.pond : {}) as Record<string, unknown>;
          const operation = typeof ci.operation === 'string' ? ci.operation : 'unknown';
          const summary = typeof p.summary === 'string' ? p.summary : operation;
          return { version, time: isoTime(timestamp), summary, operation, ...pick(p, ['trigger', 'created', 'updated', 'deleted', 'bytes']) };
        });
        if (o.json) outJson(entries);
        else for (const line of table(entries.map((e) => [String(e.version), e.time, e.summary]), new Set([0]))) out(line);
      });
    }));
}

function pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const outObj: Record<string, unknown> = {};
  for (const k of keys) if (obj[k] !== undefined) outObj[k] = obj[k];
  return outObj;
}

async function pathLog(pond: Pond, path: string, o: { json?: boolean; maxCount?: number }): Promise<void> {
  // A variable specifier: the module is optional, and not compiled against.
  const spec = '../../query/pathLog.js';
  let mod: { pathLog?: PathLog };
  try {
    mod = (await import(spec)) as { pathLog?: PathLog };
  } catch (err) {
    if (errnoCode(err) === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('pathLog')) {
      throw new PondError('ENOTSUP', 'pond log PATH: not available yet');
    }
    throw err;
  }
  if (typeof mod.pathLog !== 'function') throw new PondError('ENOTSUP', 'pond log PATH: not available yet');
  let rows = await mod.pathLog(pond, path);
  if (o.maxCount !== undefined) rows = rows.slice(0, o.maxCount);
  if (o.json) outJson(rows);
  else for (const line of table(rows.map((r) => [String(r.version), r.time, r.op, r.path, r.summary]), new Set([0]))) out(line);
}
