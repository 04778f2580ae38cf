export type { FileInfo, Storage } from './Storage.js';
export { LocalStorage, fsyncDir } from './LocalStorage.js';
export { MemoryStorage } from './MemoryStorage.js';
