// Reading the Thrift compact protocol, as Parquet stores its footer and page headers.
// Generic: a struct becomes an object keyed by field id, so the caller picks the fields it
// knows and ignores the rest (statistics, key-value metadata, ...). Integers are numbers:
// the fields we read (sizes, offsets, counts) are far below 2^53.

/** A decoded Thrift value: integer, bool, bytes, list or struct. */
export type ThriftValue = number | boolean | Uint8Array | ThriftValue[] | ThriftStruct;
export interface ThriftStruct { [field: number]: ThriftValue | undefined }

const enum CType { TRUE = 1, FALSE = 2, BYTE = 3, I16 = 4, I32 = 5, I64 = 6, DOUBLE = 7, BINARY = 8, LIST = 9, SET = 10, MAP = 11, STRUCT = 12 }

/** Thrown on bytes that are not a well-formed compact struct. */
export class ThriftError extends Error {}

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

  private zigzag(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  /** A struct's fields, up to its stop byte. */
  struct(): ThriftStruct {
    const out: ThriftStruct = {};
    let id = 0;
    for (;;) {
      const head = this.byte();
      if (head === 0) return out;
      const delta = head >> 4;
      id = delta === 0 ? this.zigzag() : id + delta;
      out[id] = this.value(head & 0x0f);
    }
  }

  private value(type: number): ThriftValue {
    switch (type) {
      case CType.TRUE: return true;
      case CType.FALSE: return false;
      case CType.BYTE: return this.byte();
      case CType.I16: case CType.I32: case CType.I64: return this.zigzag();
      case CType.DOUBLE: this.skip(8); return 0;
      case CType.BINARY: {
        const n = this.varint();
        this.skip(n);
        return this.buf.subarray(this.pos - n, this.pos);
      }
      case CType.LIST: case CType.SET: {
        const head = this.byte();
        const size = head >> 4 === 15 ? this.varint() : head >> 4;
        const elem = head & 0x0f;
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
