// Reading the Thrift compact protocol, as Parquet stores its footer and page headers.
// Two ways: struct() decodes a whole struct into an object keyed by field id; fields()
// hands each field to the caller, which reads the ones it knows and skips the rest without
// decoding them (column statistics, key-value metadata: most of a footer). Integers are
// numbers: the fields we read (sizes, offsets, counts) are far below 2^53.

/** A decoded Thrift value: integer, bool, bytes, list or struct. */
export type ThriftValue = number | boolean | Uint8Array | ThriftValue[] | ThriftStruct;
export interface ThriftStruct { [field: number]: ThriftValue | undefined }

export const enum CType { TRUE = 1, FALSE = 2, BYTE = 3, I16 = 4, I32 = 5, I64 = 6, DOUBLE = 7, BINARY = 8, LIST = 9, SET = 10, MAP = 11, STRUCT = 12 }

/** Thrown on bytes that are not a well-formed compact struct. */
class ThriftError extends Error {}

export class ThriftReader {
  constructor(readonly buf: Uint8Array, public pos: number) {}

  private byte(): number {
    if (this.pos >= this.buf.length) throw new ThriftError('thrift: truncated');
    return this.buf[this.pos++]!;
  }

  /** Unsigned LEB128, up to 2^53. */
  varint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.byte();
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
      if (mul > 2 ** 56) throw new ThriftError('thrift: varint too long');
    }
  }

  /** An i16, i32 or i64 value. */
  int(): number {
    return this.zigzag();
  }

  /** A binary (or string) value: a view of the buffer. */
  binary(): Uint8Array {
    const n = this.varint();
    this.skip(n);
    return this.buf.subarray(this.pos - n, this.pos);
  }

  /** A list's header: its size and element type. */
  listHeader(): { size: number; elem: number } {
    const head = this.byte();
    return { size: head >> 4 === 15 ? this.varint() : head >> 4, elem: head & 0x0f };
  }

  /**
   * Reads a struct field by field: `field` gets each field's id and type and must consume
   * its value (with int(), binary(), value(), fields() ... or skipValue()).
   */
  fields(field: (id: number, type: number) => void): void {
    let id = 0;
    for (;;) {
      const head = this.byte();
      if (head === 0) return;
      const delta = head >> 4;
      id = delta === 0 ? this.zigzag() : id + delta;
      const at = this.pos;
      field(id, head & 0x0f);
      if (this.pos === at && (head & 0x0f) !== CType.TRUE && (head & 0x0f) !== CType.FALSE) throw new ThriftError(`thrift: field ${id} not consumed`);
    }
  }

  /** Passes over a value without decoding it. */
  skipValue(type: number): void {
    switch (type) {
      case CType.TRUE: case CType.FALSE: return;
      case CType.BYTE: this.skip(1); return;
      case CType.I16: case CType.I32: case CType.I64: this.varint(); return;
      case CType.DOUBLE: this.skip(8); return;
      case CType.BINARY: this.skip(this.varint()); return;
      case CType.LIST: case CType.SET: {
        const { size, elem } = this.listHeader();
        const bool = elem === CType.TRUE || elem === CType.FALSE;
        for (let i = 0; i < size; i++) if (bool) this.skip(1); else this.skipValue(elem);
        return;
      }
      case CType.STRUCT: this.fields((_, t) => this.skipValue(t)); return;
      default: throw new ThriftError(`thrift: unsupported type ${type}`);
    }
  }

  private zigzag(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  /** A struct's fields, up to its stop byte. */
  struct(): ThriftStruct {
    const out: ThriftStruct = {};
    this.fields((id, type) => { out[id] = this.value(type); });
    return out;
  }

  /** A value of `type`, decoded (structs as by struct()). */
  value(type: number): ThriftValue {
    switch (type) {
      case CType.TRUE: return true;
      case CType.FALSE: return false;
      case CType.BYTE: return this.byte();
      case CType.I16: case CType.I32: case CType.I64: return this.zigzag();
      case CType.DOUBLE: this.skip(8); return 0;
      case CType.BINARY: return this.binary();
      case CType.LIST: case CType.SET: {
        const { size, elem } = this.listHeader();
        const list = new Array<ThriftValue>(size);
        // In lists a bool is one byte (1 true, otherwise false).
        for (let i = 0; i < size; i++) list[i] = elem === CType.TRUE || elem === CType.FALSE ? this.byte() === 1 : this.value(elem);
        return list;
      }
      case CType.STRUCT: return this.struct();
      default: throw new ThriftError(`thrift: unsupported type ${type}`); // maps: Parquet has none
    }
  }

  private skip(n: number): void {
    if (this.pos + n > this.buf.length) throw new ThriftError('thrift: truncated');
    this.pos += n;
  }
}
