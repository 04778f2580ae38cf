// A growable byte buffer with the little-endian and Thrift compact-protocol writes a
// Parquet file needs (page headers and the footer are Thrift compact structs). Reading
// them back is thriftRead.ts.
import { CType } from './thriftRead.js';

const TWO_32 = 4294967296;

export class ByteSink {
  buf: Buffer;
  pos = 0;
  /** Last field id of each open struct (compact protocol writes field ids as deltas). */
  private lastField = 0;
  private readonly fieldStack: number[] = [];

  constructor(capacity = 1024) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Empties the sink for reuse (keeping its buffer). */
  reset(): void {
    this.pos = 0;
    this.lastField = 0;
    this.fieldStack.length = 0;
  }

  /** The bytes written so far (a view: copy before reusing the sink). */
  view(): Buffer { return this.buf.subarray(0, this.pos); }

  u8(v: number): void { this.ensure(1); this.buf[this.pos++] = v; }

  u32le(v: number): void { this.ensure(4); this.buf.writeUInt32LE(v >>> 0, this.pos); this.pos += 4; }

  i32le(v: number): void { this.ensure(4); this.buf.writeInt32LE(v, this.pos); this.pos += 4; }

  /** A safe integer as 8 little-endian bytes. */
  i64le(v: number): void {
    this.ensure(8);
    const hi = Math.floor(v / TWO_32);
    this.buf.writeInt32LE((v - hi * TWO_32) | 0, this.pos);
    this.buf.writeInt32LE(hi, this.pos + 4);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void { this.ensure(b.length); this.buf.set(b, this.pos); this.pos += b.length; }

  /** A string as UTF-8, returning its byte length. */
  utf8(s: string): number {
    this.ensure(s.length * 3);
    const n = this.buf.write(s, this.pos, 'utf8');
    this.pos += n;
    return n;
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  varint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  // --- Thrift compact protocol ---

  private field(id: number, type: CType): void {
    const delta = id - this.lastField;
    if (delta > 0 && delta <= 15) this.u8((delta << 4) | type);
    else { this.u8(type); this.varint(zigzag(id)); }
    this.lastField = id;
  }

  i32(id: number, v: number): void { this.field(id, CType.I32); this.varint(zigzag(v)); }
  i16(id: number, v: number): void { this.field(id, CType.I16); this.varint(zigzag(v)); }
  i64(id: number, v: number): void { this.field(id, CType.I64); this.varint(zigzag(v)); }
  bool(id: number, v: boolean): void { this.field(id, v ? CType.TRUE : CType.FALSE); }

  binary(id: number, b: Uint8Array): void { this.field(id, CType.BINARY); this.varint(b.length); this.bytes(b); }

  string(id: number, s: string): void { this.binary(id, Buffer.from(s, 'utf8')); }

  /** Opens a struct-valued field; close it with end(). */
  struct(id: number): void { this.field(id, CType.STRUCT); this.begin(); }

  /** Opens a struct that is a list element or the top-level value; close with end(). */
  begin(): void { this.fieldStack.push(this.lastField); this.lastField = 0; }

  end(): void { this.u8(0); this.lastField = this.fieldStack.pop() ?? 0; }

  private listHeader(id: number, size: number, elem: CType): void {
    this.field(id, CType.LIST);
    if (size < 15) this.u8((size << 4) | elem);
    else { this.u8(0xf0 | elem); this.varint(size); }
  }

  i32List(id: number, values: readonly number[]): void {
    this.listHeader(id, values.length, CType.I32);
    for (const v of values) this.varint(zigzag(v));
  }

  binaryList(id: number, values: readonly Uint8Array[]): void {
    this.listHeader(id, values.length, CType.BINARY);
    for (const b of values) { this.varint(b.length); this.bytes(b); }
  }

  /** A list of `size` structs: write each with begin() ... end(). */
  structList(id: number, size: number): void { this.listHeader(id, size, CType.STRUCT); }

  /** A list of `size` structs whose bytes were written beforehand (each begin() ... end()). */
  structListBytes(id: number, size: number, body: Uint8Array): void {
    this.listHeader(id, size, CType.STRUCT);
    this.bytes(body);
  }
}

/** ZigZag of a safe integer (i16/i32/i64 alike), without 32-bit overflow. */
function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}
