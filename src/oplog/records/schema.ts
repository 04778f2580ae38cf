// The record schema in its two spellings: the Arrow schema of the Parquet data files
// (partition column excluded, as Delta requires) and the Delta schemaString (including
// part_id). Both are derived from one column list so they cannot drift apart.
import * as arrow from 'apache-arrow';

export const PARTITION_COLUMN = 'part_id';

type DeltaType = 'string' | 'long' | 'integer' | 'timestamp' | 'binary' | 'chunks';

/** Data-file columns in file order, with their Delta types. */
export const DATA_COLUMNS: ReadonlyArray<readonly [name: string, type: DeltaType]> = [
  ['node_id', 'string'],
  ['version', 'long'],
  ['timestamp', 'timestamp'],
  ['kind', 'string'],
  ['op', 'string'],
  ['name', 'string'],
  ['child_id', 'string'],
  ['child_part', 'string'],
  ['mode', 'integer'],
  ['uid', 'integer'],
  ['gid', 'integer'],
  ['nlink', 'integer'],
  ['atime', 'timestamp'],
  ['mtime', 'timestamp'],
  ['ctime', 'timestamp'],
  ['size', 'long'],
  ['sha256', 'string'],
  ['content', 'binary'],
  ['chunks', 'chunks'],
  ['target', 'string'],
  ['xattrs', 'string'],
];

/** Columns that are never null, so readers may rely on them. */
export const REQUIRED_COLUMNS: ReadonlySet<string> = new Set([PARTITION_COLUMN, 'node_id', 'version', 'timestamp', 'kind', 'op']);

export const chunkStructType = new arrow.Struct([
  new arrow.Field('sha256', new arrow.Utf8(), false),
  new arrow.Field('size', new arrow.Int64(), false),
]);

export function arrowType(t: DeltaType): arrow.DataType {
  switch (t) {
    case 'string': return new arrow.Utf8();
    case 'long': return new arrow.Int64();
    case 'integer': return new arrow.Int32();
    case 'timestamp': return new arrow.TimestampMicrosecond('UTC');
    case 'binary': return new arrow.Binary();
    case 'chunks': return new arrow.List(new arrow.Field('element', chunkStructType, true));
  }
}

export const dataSchema = new arrow.Schema(
  DATA_COLUMNS.map(([name, t]) => new arrow.Field(name, arrowType(t), !REQUIRED_COLUMNS.has(name))),
);

function deltaField(name: string, t: DeltaType): Record<string, unknown> {
  const type: unknown = t === 'chunks'
    ? {
        type: 'array',
        elementType: {
          type: 'struct',
          fields: [
            { name: 'sha256', type: 'string', nullable: false, metadata: {} },
            { name: 'size', type: 'long', nullable: false, metadata: {} },
          ],
        },
        containsNull: true,
      }
    : t;
  return { name, type, nullable: !REQUIRED_COLUMNS.has(name), metadata: {} };
}

/** The Delta `metaData.schemaString` of the oplog table. */
export const schemaString = JSON.stringify({
  type: 'struct',
  fields: [deltaField(PARTITION_COLUMN, 'string'), ...DATA_COLUMNS.map(([n, t]) => deltaField(n, t))],
});

export const partitionColumns: string[] = [PARTITION_COLUMN];
