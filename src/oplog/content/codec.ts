// Chunk file encoding: one codec tag byte, then the payload. The tag lets the codec
// change later without rewriting old chunks; incompressible chunks are stored raw so
// reading them back costs no decompression.
import zstd from 'zstd-napi';

export const CODEC_RAW = 0;
export const CODEC_ZSTD = 1;

// Level 1: several times faster than the default 3 on this machine, and chunks of text
// still shrink 20-30x. A 4 KiB sample that zstd cannot shrink by 1/32 marks the chunk as
// incompressible (media, archives, encrypted data), so no time is spent trying.
const LEVEL = 1;
const SAMPLE = 4096;

function looksCompressible(chunk: Uint8Array): boolean {
  if (chunk.length <= SAMPLE * 2) return true;
  const mid = chunk.length >> 1;
  const sample = chunk.subarray(mid, mid + SAMPLE);
  return zstd.compress(sample, { compressionLevel: LEVEL }).length < SAMPLE - SAMPLE / 32;
}

/** The codec and payload a chunk is stored as. */
function encodePayload(chunk: Uint8Array): { codec: number; payload: Uint8Array } {
  const z = looksCompressible(chunk) ? zstd.compress(chunk, { compressionLevel: LEVEL }) : undefined;
  if (z && z.length + 1 < chunk.length) return { codec: CODEC_ZSTD, payload: z };
  return { codec: CODEC_RAW, payload: chunk };
}

export function encodeChunk(chunk: Uint8Array): Uint8Array {
  const { codec, payload } = encodePayload(chunk);
  const out = new Uint8Array(payload.length + 1);
  out[0] = codec;
  out.set(payload, 1);
  return out;
}

const TAGS: Record<number, Uint8Array> = { [CODEC_RAW]: Uint8Array.of(CODEC_RAW), [CODEC_ZSTD]: Uint8Array.of(CODEC_ZSTD) };

/**
 * encodeChunk() as parts for a vectored write: the tag byte, then the payload. A raw
 * chunk's payload is the chunk itself, so storing an incompressible chunk copies nothing
 * (the parts must not be written to while the write is in flight).
 */
export function encodeChunkParts(chunk: Uint8Array): [Uint8Array, Uint8Array] {
  const { codec, payload } = encodePayload(chunk);
  return [TAGS[codec]!, payload];
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
