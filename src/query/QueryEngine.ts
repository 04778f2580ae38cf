import { readdirSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { PondError } from '../errors.js';
import { Oplog } from '../oplog/index.js';
import { parseVersionSpec } from '../tinylogfs/index.js';
import { type Cell, toCell } from './cells.js';
import { commitInfoSql, loadRecordsSql, viewsSql } from './views.js';

export interface QueryOptions {
  /** `V|TIME` or a version number: the version the views show (default: the latest). */
  at?: string | number;
}

export interface QueryColumn {
  name: string;
  /** DuckDB's type name, e.g. BIGINT, VARCHAR, TIMESTAMP WITH TIME ZONE. */
  type: string;
}

export interface QueryResult {
  columns: QueryColumn[];
  /** Plain values: numbers (BIGINT as number when safe, else string), strings, ISO times, null. */
  rows: Cell[][];
}

/** What the engine needs of a pond; a Pond is one, and so is openSource(dir). */
export interface QuerySource {
  /** The pond directory (the table is in its `oplog/`). */
  readonly dir: string;
  readonly oplog: Oplog;
  resolveVersion(spec: string | number): Promise<number>;
}

/**
 * A pond's oplog alone: no filesystem is built (that costs a read of the root's
 * partition), which is all the SQL views need.
 */
export async function openSource(dir: string): Promise<QuerySource> {
  const abs = nodePath.resolve(dir);
  const oplog = await Oplog.open(abs);
  return {
    dir: abs,
    oplog,
    async resolveVersion(spec) {
      // As Pond.resolveVersion does.
      const parsed = parseVersionSpec(spec);
      if (parsed.kind === 'version') {
        if (parsed.version > oplog.version) throw new PondError('ENOVERSION', `version ${parsed.version} does not exist (latest is ${oplog.version})`);
        return parsed.version;
      }
      return (await oplog.table.snapshotAtTime(parsed.time, { allowAfterLatest: true })).version;
    },
  };
}

/**
 * DuckDB in memory over a pond at one version: `_rec` holds the table's rows (the active
 * data files of the pond's snapshot, so exactly the Delta table's state; content column
 * excluded) up to that version, and the views of views.ts sit on top. Close it after use.
 */
export class QueryEngine {
  private constructor(
    private readonly db: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    /** The version the views show. */
    readonly version: number,
  ) {}

  static async open(pond: QuerySource, opts: QueryOptions = {}): Promise<QueryEngine> {
    const version = opts.at === undefined ? pond.oplog.version : await pond.resolveVersion(opts.at);
    const tableDir = nodePath.join(pond.dir, 'oplog');
    const dataFiles = pond.oplog.snapshot.files.map((f) => nodePath.join(tableDir, decodeURIComponent(f.path)));
    const commitFiles = commitFilesUpTo(nodePath.join(tableDir, '_delta_log'), version);
    // Loaded here, not at the CLI's top level: DuckDB's native module takes a while.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const engine = new QueryEngine(db, conn, version);
    try {
      await conn.run(`SET TimeZone = 'UTC'`);
      // Row order means nothing here; not keeping it lets DuckDB load files in parallel.
      await conn.run('SET preserve_insertion_order = false');
      for (const sql of loadRecordsSql(dataFiles, version)) await conn.run(sql);
      await conn.run('RESET preserve_insertion_order');
      await conn.run(commitInfoSql(commitFiles));
      for (const sql of viewsSql(version)) await conn.run(sql);
    } catch (err) {
      engine.close();
      throw new PondError('EIO', `cannot load the oplog into DuckDB: ${oneLine(err)}`, { op: 'sql', path: pond.dir, cause: err });
    }
    return engine;
  }

  /** Runs `sql`; a DuckDB error becomes EINVAL with DuckDB's message on one line. */
  async query(sql: string): Promise<QueryResult> {
    let reader;
    try {
      reader = await this.conn.runAndReadAll(sql);
    } catch (err) {
      throw new PondError('EINVAL', oneLine(err), { op: 'sql', cause: err });
    }
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const columns = names.map((name, i) => ({ name, type: types[i]!.toString() }));
    const raw = reader.getRows();
    const json = reader.getRowsJson();
    const rows = raw.map((r, i) => r.map((v, j) => toCell(v, json[i]![j]!)));
    return { columns, rows };
  }

  /** Rows as objects keyed by column name. */
  async queryObjects(sql: string): Promise<Array<Record<string, Cell>>> {
    const { columns, rows } = await this.query(sql);
    return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c.name, r[i]!])));
  }

  close(): void {
    this.conn.closeSync();
    this.db.closeSync();
  }
}

/** JSON commit files of versions up to `version` (checkpoints replace none of them here). */
function commitFilesUpTo(logDir: string, version: number): string[] {
  let names: string[];
  try {
    names = readdirSync(logDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d{20}\.json$/.test(n) && Number(n.slice(0, 20)) <= version)
    .sort()
    .map((n) => nodePath.join(logDir, n));
}

/** An error's message on one line (DuckDB's span several, with a caret under the fault). */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^\^+$/.test(l)).join(' ');
}
