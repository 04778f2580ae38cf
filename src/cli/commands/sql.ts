import type { Command } from 'commander';
import { PondError, isPondError } from '../../errors.js';
import type { QueryResult } from '../../query/index.js';
import { VIEWS_HELP } from '../../query/help.js';
import { type GlobalOptions, pondDir } from '../context.js';
import { out, outJson, table } from '../output.js';
import { EXIT_ERROR, action } from '../run.js';

interface SqlOptions {
  at?: string;
  csv?: boolean;
  json?: boolean;
}

/** DuckDB types printed right-aligned. */
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

export function register(program: Command): void {
  program
    .command('sql')
    .description('run SQL (DuckDB) over the pond\'s history: views files, files_at(V), history, commits, records')
    .argument('<query>', 'the SQL query')
    .option('--at <V|TIME>', 'the views show the pond as of version V or ISO-8601 time TIME (default: latest)')
    .option('--csv', 'print CSV (header line, RFC 4180 quoting)')
    .option('--json', 'print a JSON array of objects')
    .addHelpText('after', `\n${VIEWS_HELP}`)
    .action(action(async (query: string, o: SqlOptions) => {
      if (o.csv && o.json) throw new PondError('EUSAGE', '--csv and --json exclude each other');
      // DuckDB's native module loads only when a query runs. Only the oplog is opened
      // (read-only, no lock, while a mount writes): the views need no filesystem.
      const { QueryEngine, openSource } = await import('../../query/index.js');
      const source = await openSource(pondDir(program.opts<GlobalOptions>()));
      const engine = await QueryEngine.open(source, o.at === undefined ? {} : { at: o.at });
      let result: QueryResult;
      try {
        result = await engine.query(query);
      } catch (err) {
        if (!isPondError(err, 'EINVAL')) throw err;
        // A bad query: DuckDB's own message, one line.
        process.stderr.write(`pond: ${err.message}\n`);
        process.exitCode = EXIT_ERROR;
        return;
      } finally {
        engine.close();
      }
      await print(result, o);
    }));
}

async function print(result: QueryResult, o: SqlOptions): Promise<void> {
  const { cellText } = await import('../../query/index.js');
  const names = result.columns.map((c) => c.name);
  if (o.json) {
    outJson(result.rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]!]))));
  } else if (o.csv) {
    out(names.map(csvField).join(','));
    for (const r of result.rows) out(r.map((c) => csvField(cellText(c))).join(','));
  } else {
    const right = new Set(result.columns.flatMap((c, i) => (NUMERIC.test(c.type) ? [i] : [])));
    const rows = [names, ...result.rows.map((r) => r.map((c) => cellText(c).replace(/[\n\t]/g, ' ')))];
    for (const line of table(rows, right)) out(line.trimEnd());
  }
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
