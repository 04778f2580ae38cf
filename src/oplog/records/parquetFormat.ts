// What the writer (smallParquet.ts) and the reader (parquetRead.ts) of our data files agree
// on: Parquet's enum codes (parquet.thrift) and the leaves DATA_COLUMNS become.
import { DATA_COLUMNS, REQUIRED_COLUMNS } from './schema.js';

/** Physical types. */
export const INT32 = 1;
export const INT64 = 2;
export const BYTE_ARRAY = 6;
/** Encodings. */
export const PLAIN = 0;
export const PLAIN_DICTIONARY = 2;
export const RLE = 3;
export const RLE_DICTIONARY = 8;
/** Codecs. */
export const UNCOMPRESSED = 0;
export const ZSTD = 6;
/** Page types. */
export const DATA_PAGE = 0;
export const DICTIONARY_PAGE = 2;
/** Converted types. */
export const CONVERTED_UTF8 = 0;
export const CONVERTED_LIST = 3;
export const CONVERTED_TIMESTAMP_MICROS = 10;
/** Repetitions. */
export const REQUIRED = 0;
export const OPTIONAL = 1;
export const REPEATED = 2;
/** The bytes a Parquet file starts and ends with. */
export const MAGIC: Uint8Array = Buffer.from('PAR1', 'latin1');
/** The created_by the writer puts in every footer, by which the reader knows its files. */
export const CREATED_BY = 'pond';

export type Phys = 'utf8' | 'binary' | 'int32' | 'int64';

/** One leaf column of the file schema. */
export interface Leaf {
  /** Record column (`chunks.sha256`, `chunks.size` for the chunk list's leaves). */
  column: string;
  path: string[];
  phys: Phys;
  /** Parquet physical and converted type. */
  type: number;
  converted?: number;
  /** Repetition of each schema element from the top-level column down to the leaf. */
  chain: number[];
  required: boolean;
  /** int32 values read as unsigned (uid, gid). */
  unsigned: boolean;
  /** Stored value = JS value * divisor (1000: timestamps are microseconds, JS milliseconds). */
  divisor: number;
}

/** The leaves of the data file schema, in file order. */
export const LEAVES: readonly Leaf[] = DATA_COLUMNS.flatMap(([name, t]): Leaf[] => {
  const rep = REQUIRED_COLUMNS.has(name) ? REQUIRED : OPTIONAL;
  const leaf = (phys: Phys, extra: Partial<Leaf> = {}): Leaf => ({
    column: name, path: [name], phys, type: phys === 'int32' ? INT32 : phys === 'int64' ? INT64 : BYTE_ARRAY,
    converted: phys === 'utf8' ? CONVERTED_UTF8 : undefined,
    chain: [rep], required: rep === REQUIRED, unsigned: false, divisor: 1, ...extra,
  });
  switch (t) {
    case 'string': return [leaf('utf8')];
    case 'binary': return [leaf('binary')];
    case 'long': return [leaf('int64')];
    case 'timestamp': return [leaf('int64', { converted: CONVERTED_TIMESTAMP_MICROS, divisor: 1000 })];
    case 'integer': return [leaf('int32', { unsigned: name === 'uid' || name === 'gid' })];
    case 'chunks': {
      const chain = [OPTIONAL, REPEATED, OPTIONAL, REQUIRED];
      return [
        leaf('utf8', { column: 'chunks.sha256', path: [name, 'list', 'element', 'sha256'], chain, required: true }),
        leaf('int64', { column: 'chunks.size', path: [name, 'list', 'element', 'size'], chain, required: true }),
      ];
    }
  }
});
