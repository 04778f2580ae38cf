// Chunk file encoding: one codec tag byte, then the payload. The tag lets the codec
// change later without rewriting old chunks; incompressible chunks are stored raw so
// reading them back costs no decompression.
import zstd from 'zstd-napi';

export const CODEC_RAW = 0;
export const CODEC_ZSTD = 1;

export function encodeChunk(chunk: Uint8Array): Uint8Array {
  const z = zstd.compress(chunk);
  if (z.length + 1 < chunk.length) {
    const out = new Uint8Array(z.length + 1);
    out[0] = CODEC_ZSTD;
    out.set(z, 1);
    return out;
  }
  const out = new Uint8Array(chunk.length + 1);
  out[0] = CODEC_RAW;
  out.set(chunk, 1);
  return out;
}

/** Throws (any error) when the file is not a valid encoding; the caller names the chunk. */
export function decodeChunk(file: Uint8Array): Uint8Array {
  if (file.length === 0) throw new Error('empty chunk file');
  const payload = file.subarray(1);
  switch (file[0]) {
    case CODEC_RAW: return payload;
    case CODEC_ZSTD: return zstd.decompress(payload);
    default: throw new Error(`unknown chunk codec ${file[0]}`);
  }
}
