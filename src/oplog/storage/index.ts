export type { FileInfo, Storage } from './Storage.js';
export { LocalStorage } from './LocalStorage.js';
export { MemoryStorage } from './MemoryStorage.js';
