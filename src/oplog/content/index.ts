// content/: large file content as content-defined chunks (FastCDC), each stored once by
// its SHA-256 in a store outside the Delta table, compressed, and verified on every read.
export { Chunker, CHUNK_AVG, CHUNK_MAX, CHUNK_MIN } from './Chunker.js';
export type { ChunkerOptions } from './Chunker.js';
export { chunkBytes, cutPoints } from './chunkBytes.js';
export { ContentStore, sha256Hex } from './ContentStore.js';
export { chunkAndStore } from './chunkAndStore.js';
export { ChunkWriter, type ChunkWriterOptions } from './ChunkWriter.js';
export type { StoredContent } from './chunkAndStore.js';
export { GEAR } from './gear.js';
